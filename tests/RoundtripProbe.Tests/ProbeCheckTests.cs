using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>
/// <c>--check</c> against the real Postfix and Dovecot: IMAP and the submission port answer and take the logins; no
/// probe mail is sent, nothing pushed, no heartbeat. A wrong password is one FAILED line, the other step still runs.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class ProbeCheckTests : IAsyncLifetime
{
    private readonly MailStack stack = MailStack.Instance;
    private readonly string instance = "check-" + Guid.NewGuid().ToString("N")[..8];
    private UptimeKumaStandIn kuma = null!;

    public async Task InitializeAsync() => kuma = await UptimeKumaStandIn.StartAsync();

    public async Task DisposeAsync() => await kuma.DisposeAsync();

    [Fact]
    public async Task Check_LogsInEverywhere_AndSendsNothing_AndReportsNothing()
    {
        var environment = ProbeEnvironment.For(stack, instance, kuma.PushUrl);
        var before = await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", ProbeOptions.DefaultSubjectPrefix);
        var log = new LogFileTail(stack["MAILSTACK_MAIL_LOG"]);

        var ok = await WorkerProcess.RunAsync("roundtrip-probe", environment, ["--check"]);
        environment["Smtp__Password"] = "Wr0ng-Check-Passw0rd";
        var refused = await WorkerProcess.RunAsync("roundtrip-probe", environment, ["--check"]);
        using (var reset = await stack.OpenImapAsync(stack.ProbeUser, stack.ProbePassword))
        {
            // A successful login ends Dovecot's penalty for the failed one (see RoundtripProbeJobTests).
            await reset.DisconnectAsync(true);
        }

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains($"ok IMAP at 127.0.0.1:{stack.ImapsPort} (SslOnConnect), logged in as {stack.ProbeUser}, INBOX and the junk folder examined", ok.Output, StringComparison.Ordinal);
        Assert.Contains($"ok SMTP submission at 127.0.0.1:{stack.SubmissionPort} (StartTls), logged in as {stack.ProbeUser}", ok.Output, StringComparison.Ordinal);
        Assert.Contains("Check: 2 passed, 0 failed", ok.Output, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("ok IMAP at", refused.Output, StringComparison.Ordinal);
        Assert.Contains($"FAILED SMTP submission at 127.0.0.1:{stack.SubmissionPort} (StartTls), logged in as {stack.ProbeUser}: SMTP AUTH as {stack.ProbeUser} at 127.0.0.1:{stack.SubmissionPort}: authentication failed", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ng-Check-Passw0rd", refused.Output, StringComparison.Ordinal);
        // Nothing sent: Postfix accepted no mail from the probe user, and the mailbox holds what it held.
        Assert.DoesNotContain(await log.LinesAsync(_ => true, atLeast: 0), l => l.Contains("from=<" + stack.ProbeUser + ">", StringComparison.Ordinal));
        Assert.Equal(before, await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", ProbeOptions.DefaultSubjectPrefix));
        // Nothing reported.
        Assert.Empty(kuma.Heartbeats);
        using var http = new HttpClient();
        Assert.DoesNotContain($"instance=\"{instance}\"", await http.GetStringAsync(new Uri(stack.PushgatewayUrl, "/metrics")), StringComparison.Ordinal);
    }
}
