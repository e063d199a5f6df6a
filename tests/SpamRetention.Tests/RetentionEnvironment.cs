using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>spam-retention's configuration for retention@ on the local stack, per backend.</summary>
internal static class RetentionEnvironment
{
    public static Dictionary<string, string> For(MailStack stack, string backend) => new()
    {
        ["Retention__Backend"] = backend,
        ["Retention__User"] = stack.RetentionUser,
        ["Retention__Maildir"] = stack.MaildirOf(stack.RetentionUser),
        ["Dovecot__ConfigFile"] = stack.DovecotConfig,
        ["Imap__Host"] = "127.0.0.1",
        ["Imap__Port"] = stack.ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Imap__Username"] = stack.RetentionUser,
        ["Imap__Password"] = stack.RetentionPassword,
        ["Tls__CaFile"] = stack.CaFile,
        ["Pushgateway__Url"] = stack.PushgatewayUrl.ToString(),
        ["Pushgateway__Labels__instance"] = "retention-test-" + backend,
    };

    public static Task<WorkerRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        WorkerProcess.RunAsync("spam-retention", environment, arguments);

    public static int Metric(WorkerRun run, string name) => checked((int)run.LoggedMetric(name));
}
