using System.Text.RegularExpressions;
using MailserverWorkers.Testing;

namespace MailserverWorkers.Shared.Tests.Hosting;

/// <summary>
/// Each worker's <c>--help</c>, generated from its options types, against the README: every key the worker binds is
/// documented (in its own section, or in "What every worker shares"), and every key the README gives for the worker
/// is one it binds.
/// </summary>
public sealed partial class WorkerHelpTests
{
    [Theory]
    [InlineData("roundtrip-probe")]
    [InlineData("spam-retention")]
    [InlineData("backup-runner")]
    [InlineData("haproxy-health")]
    public async Task TheReadme_AndHelp_NameTheSameKeys(string worker)
    {
        var help = await WorkerProcess.RunAsync(worker, new Dictionary<string, string>(), ["--help"]);
        Assert.Equal(0, help.ExitCode);
        // Keys, not the prose around them ("Imap__* with Retention__Backend=imap").
        var bound = Keys(help.Output).Where(k => !k.EndsWith("__*", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var sections = bound.Select(Section).ToHashSet(StringComparer.Ordinal);
        var readme = await File.ReadAllTextAsync(Path.Combine(MailStack.RepositoryRoot(), "README.md"));
        var own = Chapter(readme, worker);
        var documented = Keys(own).Concat(Keys(Chapter(readme, "What every worker shares"))).ToHashSet(StringComparer.Ordinal);
        var wildcards = documented.Where(k => k.EndsWith("__*", StringComparison.Ordinal)).Select(k => k[..^3]).ToList();

        var undocumented = bound.Where(k => !documented.Contains(k) && !wildcards.Contains(Section(k))).ToList();
        var unbound = Keys(own).Where(k => !k.EndsWith("__*", StringComparison.Ordinal) && sections.Contains(Section(k)) && !bound.Contains(k)).Distinct().ToList();

        Assert.True(undocumented.Count == 0, $"{worker}: bound but not in README: {string.Join(", ", undocumented)}");
        Assert.True(unbound.Count == 0, $"{worker}: in README but not bound: {string.Join(", ", unbound)}");
    }

    // Keys as written in prose and tables: Smtp__Port, Targets__<name>__Port, Pushgateway__*, and the shorthand of a
    // line that names the section once (`Pushgateway__Attempts`, `__RetryDelay`).
    private static IEnumerable<string> Keys(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            string? section = null;
            foreach (Match m in Key().Matches(line))
            {
                var key = m.Value;
                if (key.StartsWith("__", StringComparison.Ordinal))
                {
                    if (section is null)
                    {
                        continue;
                    }

                    key = section + key;
                }
                else
                {
                    section = Section(key);
                }

                yield return key.TrimEnd('_');
            }
        }
    }

    private static string Section(string key) => key.StartsWith("Targets__<name>__", StringComparison.Ordinal) ? "Targets__<name>" : key[..key.IndexOf("__", StringComparison.Ordinal)];

    private static string Chapter(string readme, string title)
    {
        var start = readme.IndexOf($"\n## {title}", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no chapter '{title}'");
        var end = readme.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [GeneratedRegex(@"(?<![A-Za-z_])(?:[A-Z][A-Za-z]*__(?:<name>__)?|__)(?:[A-Z][A-Za-z]*|\*|<name>)(?:__<name>)?")]
    private static partial Regex Key();
}
