using System.Globalization;
using MailserverWorkers.Testing;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>mailserver-stats' configuration for the local stack, its runs, and tools of the tests' own making.</summary>
internal static class StatsEnvironment
{
    public static MailStack Stack => MailStack.Instance;

    public static Dictionary<string, string> For(params string[] sources) => new()
    {
        ["Stats__Postfix"] = sources.Contains("postfix") ? "true" : "false",
        ["Stats__Dovecot"] = sources.Contains("dovecot") ? "true" : "false",
        ["Stats__Rspamd"] = sources.Contains("rspamd") ? "true" : "false",
        ["Stats__PostfixConfigDirectory"] = Stack["MAILSTACK_POSTFIX_CONFIG"],
        ["Stats__DovecotConfigFile"] = Stack.DovecotConfig,
        ["Stats__RspamdController"] = new Uri(Stack["MAILSTACK_RSPAMD_CONTROLLER_URL"]).Authority,
        ["Stats__TopDomains"] = "100",
        ["Pushgateway__Url"] = Stack.PushgatewayUrl.ToString(),
        ["Pushgateway__Labels__instance"] = "stats-test-" + Guid.NewGuid().ToString("n")[..8],
    };

    public static Task<WorkerRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        WorkerProcess.RunAsync("mailserver-stats", environment, arguments);

    /// <summary>The value the run logged for a sample, e.g. <c>mailserver_postfix_queue_messages{queue="hold"}</c>; null when it logged none.</summary>
    public static double? Sample(WorkerRun run, string sample)
    {
        var line = run.Lines.LastOrDefault(l => l.Contains($" {sample} ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>A tool of the test's own making: a shell script in a fresh folder.</summary>
    public static string Tool(string name, string script)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("stats-tool-").FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
