using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>The probe's process life: SIGTERM and --schedule, against the real Postfix and Dovecot.</summary>
[Collection(MailStackCollection.Name)]
public sealed class RoundtripProbeHostingTests : IAsyncLifetime
{
    private readonly MailStack stack = MailStack.Instance;
    private UptimeKumaStandIn kuma = null!;

    public async Task InitializeAsync() => kuma = await UptimeKumaStandIn.StartAsync();

    public async Task DisposeAsync() => await kuma.DisposeAsync();

    [Fact]
    public async Task Sigterm_WhileWaitingForTheMail_Exits130_AndReportsNothing()
    {
        var environment = ProbeEnvironment.For(stack, "sigterm", kuma.PushUrl);
        environment["Imap__Username"] = stack.SpamUser;
        environment["Imap__Password"] = stack.SpamPassword;
        environment["Probe__Deadline"] = "00:01:00";

        var run = await WorkerProcess.RunAsync("roundtrip-probe", environment, timeout: TimeSpan.FromSeconds(30),
            terminateWhen: line => line.Contains("Sent e2e-probe", StringComparison.Ordinal));

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Contains("Cancelled before the job finished", run.Output);
        Assert.DoesNotContain("Pushgateway push", run.Output);
        Assert.Empty(kuma.Heartbeats);
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, ProbeOptions.DefaultSubjectPrefix);
    }

    [Fact]
    public async Task Schedule_RunsTheProbeRepeatedly_UntilSigterm_ThenExitsZero()
    {
        var environment = ProbeEnvironment.For(stack, "schedule", kuma.PushUrl);
        var finished = 0;

        var run = await WorkerProcess.RunAsync("roundtrip-probe", environment, ["--schedule", "*/2 * * * * *"], TimeSpan.FromSeconds(60),
            terminateWhen: line => line.Contains("Run finished with exit code 0", StringComparison.Ordinal) && Interlocked.Increment(ref finished) == 2);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, kuma.Heartbeats.Count(h => h.Up));
        Assert.True(run.Lines.Count(l => l.Contains("Next run at", StringComparison.Ordinal)) >= 2, run.ToString());
    }
}
