using MailserverWorkers.Testing;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>The configuration of a round trip through the local stack, as the Helm chart would set it.</summary>
internal static class ProbeEnvironment
{
    public static Dictionary<string, string> For(MailStack stack, string instance, Uri? kumaPushUrl) => new()
    {
        ["Probe__Sender"] = "smtp",
        ["Probe__From"] = stack.ProbeUser,
        ["Probe__To"] = stack.ProbeUser,
        ["Probe__Deadline"] = "00:00:30",
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = stack.SubmissionPort.ToString(),
        ["Smtp__Security"] = "StartTls",
        ["Smtp__Username"] = stack.ProbeUser,
        ["Smtp__Password"] = stack.ProbePassword,
        ["Imap__Host"] = "127.0.0.1",
        ["Imap__Port"] = stack.ImapsPort.ToString(),
        ["Imap__Security"] = "SslOnConnect",
        ["Imap__Username"] = stack.ProbeUser,
        ["Imap__Password"] = stack.ProbePassword,
        ["Imap__Timeout"] = "00:00:05",
        ["Tls__CaFile"] = stack.CaFile,
        ["Pushgateway__Url"] = stack.PushgatewayUrl.ToString(),
        ["Pushgateway__Labels__instance"] = instance,
        ["Pushgateway__RetryDelay"] = "00:00:00.100",
        ["UptimeKuma__PushUrl"] = kumaPushUrl?.ToString() ?? "",
        ["UptimeKuma__RetryDelay"] = "00:00:00.100",
    };

    /// <summary>A round trip without a heartbeat whose IMAP goes, in plain text, to <paramref name="plainImapPort"/> (a proxy in front of Dovecot) when given.</summary>
    public static Dictionary<string, string> Through(MailStack stack, int? plainImapPort = null)
    {
        var environment = For(stack, "test-" + Guid.NewGuid().ToString("N")[..10], kumaPushUrl: null);
        environment.Remove("UptimeKuma__PushUrl");
        if (plainImapPort is { } port)
        {
            environment["Imap__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["Imap__Security"] = "None";
        }

        return environment;
    }

    public static Task<WorkerRun> RunAsync(IReadOnlyDictionary<string, string> environment) =>
        WorkerProcess.RunAsync("roundtrip-probe", environment);
}
