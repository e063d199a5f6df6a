using System.Text.RegularExpressions;
using MailserverWorkers.Testing;

namespace MailserverWorkers.Shared.Tests.Configuration;

/// <summary>
/// Every key each worker's <c>--help</c> lists, given a value of the wrong kind for it (a word for a number, a
/// duration or a boolean, an unknown value for an enumerated key, a relative URL): the worker exits 2 with one line
/// that names the key, never a stack trace. The keys come from the worker itself, so a new key is covered the day
/// it is added.
/// </summary>
public sealed partial class MalformedValueTests
{
    // What makes the section of a key bound at all (spam-retention binds Imap__* for its imap backend only).
    private static readonly Dictionary<string, Dictionary<string, string>> Context = new()
    {
        ["spam-retention"] = new() { ["Retention__Backend"] = "imap" },
        ["haproxy-health"] = new() { ["Targets__t__Host"] = "127.0.0.1", ["Targets__t__Port"] = "25" },
    };

    [Theory]
    [InlineData("roundtrip-probe")]
    [InlineData("spam-retention")]
    [InlineData("backup-runner")]
    [InlineData("haproxy-health")]
    public async Task EveryKey_GivenAValueOfTheWrongKind_Exits2_NamingIt(string worker)
    {
        var help = await WorkerProcess.RunAsync(worker, new Dictionary<string, string>(), ["--help"]);
        var cases = KeyWithDefault().Matches(help.Output)
            .Select(m => (Key: m.Groups["key"].Value.Replace("<name>", "t", StringComparison.Ordinal), Malformed: Malformed(m.Groups["key"].Value, m.Groups["default"].Value)))
            .Where(c => c.Malformed is not null)
            .ToList();
        Assert.True(cases.Count >= 10, $"{worker}: only {cases.Count} keys with a kind found in --help");

        var failures = new List<string>();
        foreach (var (key, malformed) in cases)
        {
            var environment = new Dictionary<string, string>(Context.GetValueOrDefault(worker) ?? [], StringComparer.Ordinal) { [key] = malformed! };
            var run = await WorkerProcess.RunAsync(worker, environment);
            var lines = run.Lines.ToList();
            if (run.ExitCode != 2 || lines.Count != 1 || !lines[0].Contains(key + ":", StringComparison.Ordinal) || run.Output.Contains("   at ", StringComparison.Ordinal))
            {
                failures.Add($"{key}={malformed}: exit {run.ExitCode}, {lines.Count} lines: {string.Join(" | ", lines.Take(3))}");
            }
        }

        Assert.True(failures.Count == 0, $"{worker}:\n{string.Join('\n', failures)}");
    }

    // A value of the wrong kind for the key's default: the kind is read off the default --help prints.
    private static string? Malformed(string key, string shown) => shown switch
    {
        _ when shown.Contains('|', StringComparison.Ordinal) => "no-such-value",
        "true" or "false" => "maybe",
        _ when TimeSpan.TryParse(shown, System.Globalization.CultureInfo.InvariantCulture, out _) && shown.Contains(':', StringComparison.Ordinal) => "5 minutes",
        _ when double.TryParse(shown, System.Globalization.CultureInfo.InvariantCulture, out _) => "many",
        _ when key.EndsWith("Url", StringComparison.Ordinal) => "relative/path",
        _ => null,
    };

    [GeneratedRegex(@"(?<key>[A-Z][A-Za-z]*__(?:<name>__)?[A-Za-z]+)(?: \((?<default>[^)]*)\))?")]
    private static partial Regex KeyWithDefault();
}
