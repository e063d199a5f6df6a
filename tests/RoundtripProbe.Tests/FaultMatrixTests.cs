using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;
using static MailserverWorkers.Testing.StandIns.PeerFaultKind;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>
/// The fault matrix: the probe as a process against a scripted SMTP peer and a scripted IMAP peer on loopback that
/// carry a whole round trip, one of them failing at one step (stall, reset, close, a byte a second, an unterminated
/// 64 MiB line, endless lines, garbage), metrics to the stack's real Pushgateway, the heartbeat to an Uptime Kuma
/// stand-in. Each case asserts the exit code, the wall time against the step's documented bound, the one log line
/// with the failed stage and its true cause, no stack trace, and that the report went out.
/// </summary>
public sealed class FaultMatrixTests
{
    // Smtp__Timeout and Imap__Timeout: the bound of each step (README, "Bounds").
    private const int StepSeconds = 2;
    private const int DeadlineSeconds = 12;

    // Not a speed target: the margin for starting the process, the push and the heartbeat on a loaded 2-core machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    private const string Timeout = "no answer within 2s \\(timed out\\)";
    private const string Lost = "(reset by peer|unexpectedly disconnected|Broken pipe)";

    public static TheoryData<string, string, PeerFaultKind, string, string> Failures => new()
    {
        // side, step, fault, failed stage, the cause (a regular expression)
        { "smtp", "greeting", Stall, "send", $@"SMTP connect to 127\.0\.0\.1:\d+ \(None\): {Timeout}" },
        { "smtp", "greeting", Reset, "send", $@"SMTP connect to 127\.0\.0\.1:\d+ \(None\): .*{Lost}" },
        { "smtp", "greeting", Close, "send", $@"SMTP connect to 127\.0\.0\.1:\d+ \(None\): .*{Lost}" },
        { "smtp", "greeting", Trickle, "send", $@"SMTP connect to 127\.0\.0\.1:\d+ \(None\): {Timeout}" },
        { "smtp", "greeting", UnterminatedLine, "send", @"SMTP connect to 127\.0\.0\.1:\d+ \(None\): answer line larger than 1048576 bytes" },
        { "smtp", "greeting", EndlessLines, "send", @"SMTP connect to 127\.0\.0\.1:\d+ \(None\): answer larger than 1048576 bytes \(the limit of one connection\)" },
        { "smtp", "greeting", Garbage, "send", @"SMTP connect to 127\.0\.0\.1:\d+ \(None\): protocol error: " },
        { "smtp", "EHLO", Stall, "send", $@"SMTP connect to 127\.0\.0\.1:\d+ \(None\): {Timeout}" },
        { "smtp", "EHLO", EndlessLines, "send", @"answer larger than 1048576 bytes \(the limit of one connection\)" },
        { "smtp", "MAIL", Reset, "send", $@"SMTP submission of e2e-probe-\S+ to 127\.0\.0\.1:\d+: .*{Lost}" },
        { "smtp", "RCPT", Stall, "send", $@"SMTP submission of e2e-probe-\S+ to 127\.0\.0\.1:\d+: {Timeout}" },
        { "smtp", "DATA", Trickle, "send", $@"SMTP submission of e2e-probe-\S+ to 127\.0\.0\.1:\d+: {Timeout}" },
        { "smtp", ".", Stall, "send", $@"SMTP submission of e2e-probe-\S+ to 127\.0\.0\.1:\d+: {Timeout}" },
        { "smtp", ".", Garbage, "send", @"SMTP submission of e2e-probe-\S+ to 127\.0\.0\.1:\d+: protocol error: " },
        { "smtp", ".", Lie, "delivery", @"e2e-probe-\S+ did not arrive within Probe__Deadline=00:00:12" },
        { "imap", "greeting", Stall, "delivery", $@"IMAP connect to 127\.0\.0\.1:\d+ \(None\): {Timeout}" },
        { "imap", "greeting", Reset, "delivery", $@"IMAP connect to 127\.0\.0\.1:\d+ \(None\): .*{Lost}" },
        { "imap", "greeting", Trickle, "delivery", $@"IMAP connect to 127\.0\.0\.1:\d+ \(None\): {Timeout}" },
        { "imap", "greeting", UnterminatedLine, "delivery", @"IMAP connect to 127\.0\.0\.1:\d+ \(None\): answer line larger than 1048576 bytes" },
        { "imap", "greeting", EndlessLines, "delivery", @"IMAP connect to 127\.0\.0\.1:\d+ \(None\): answer larger than 16777216 bytes \(the limit of one connection\)" },
        { "imap", "greeting", Garbage, "delivery", @"IMAP connect to 127\.0\.0\.1:\d+ \(None\): protocol error: " },
        { "imap", "AUTHENTICATE", Stall, "delivery", $@"IMAP login as probe@example\.test at 127\.0\.0\.1:\d+: {Timeout}" },
        { "imap", "LIST", Stall, "delivery", $@"IMAP folder 'Junk' at 127\.0\.0\.1:\d+: {Timeout}" },
        { "imap", "EXAMINE", Reset, "delivery", $@"IMAP SELECT INBOX: .*{Lost}" },
        { "imap", "SEARCH", Garbage, "delivery", @"IMAP SEARCH in INBOX: protocol error: " },
        { "imap", "IDLE", Stall, "delivery", $@"IMAP IDLE in INBOX: {Timeout}" },
        { "imap", "DONE", Stall, "delivery", $@"IMAP IDLE in INBOX: {Timeout}" },
        { "imap", "FETCH", UnterminatedLine, "delivery", @"IMAP FETCH in INBOX: answer line larger than 1048576 bytes" },
        { "imap", "SEARCH", Lie, "delivery", @"e2e-probe-\S+ did not arrive within Probe__Deadline=00:00:12" },
        { "imap", "SELECT", Stall, "cleanup", $@"IMAP SELECT in INBOX: {Timeout}" },
        { "imap", "STORE", Reset, "cleanup", $@"IMAP STORE \+FLAGS \\Deleted in INBOX: .*{Lost}" },
        { "imap", "EXPUNGE", Garbage, "cleanup", @"IMAP UID EXPUNGE in INBOX: protocol error: " },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task AFaultAtOneStep_IsReported_WithItsStageAndCause_WithinTheStepsBound(string side, string step, PeerFaultKind kind, string stage, string cause)
    {
        // The junk folder lookup asks for each usual name in turn: stall on the first, Junk.
        var fault = new PeerFault(step, kind, step == "LIST" ? "Junk" : null);
        var (run, elapsed, kuma, _) = await RunAsync(side == "smtp" ? fault : null, side == "imap" ? fault : null);

        Assert.True(run.ExitCode == 1, $"{fault}: {run}");
        var failed = run.Lines.Where(l => l.Contains(" failed at stage ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(failed);
        Assert.True(Regex.IsMatch(line, $"Round trip e2e-probe-\\S+ failed at stage {stage}: .*{cause}"), $"{fault}: {line}");
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.Contains("Pushgateway push delivered", run.Output, StringComparison.Ordinal);
        var heartbeat = Assert.Single(kuma.Heartbeats);
        Assert.False(heartbeat.Up, heartbeat.Message);
        Assert.Contains(stage, heartbeat.Message, StringComparison.Ordinal);
        // A step fails within its own bound; only the wait for a mail that never comes has the deadline.
        var bound = TimeSpan.FromSeconds(kind == Lie ? DeadlineSeconds : StepSeconds) + Margin;
        Assert.True(elapsed < bound, $"{fault}: {elapsed.TotalSeconds:0.0}s, bound {bound.TotalSeconds}s");
    }

    [Theory]
    [InlineData("smtp", "QUIT", Stall)]
    [InlineData("smtp", "QUIT", Reset)]
    [InlineData("smtp", "QUIT", Garbage)]
    [InlineData("imap", "LOGOUT", Stall)]
    [InlineData("imap", "LOGOUT", Reset)]
    public async Task AFaultAfterTheWorkIsDone_IsNoFailure(string side, string step, PeerFaultKind kind)
    {
        var fault = new PeerFault(step, kind);
        var (run, _, kuma, _) = await RunAsync(side == "smtp" ? fault : null, side == "imap" ? fault : null);

        Assert.True(run.ExitCode == 0, $"{fault}: {run}");
        Assert.Matches(@"Round trip e2e-probe-\S+: delivered to INBOX in [\d.]+s \(send [\d.]+s, delivery [\d.]+s, cleanup [\d.]+s\); .*; 1 probe mail\(s\) deleted", run.Output);
        Assert.True(Assert.Single(kuma.Heartbeats).Up);
    }

    [Fact]
    public async Task WithoutAFault_TheScriptedPeersCarryAWholeRoundTrip()
    {
        // The matrix's control: its failures are the faults', not the peers'.
        var (run, _, kuma, mailbox) = await RunAsync(null, null);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Watching INBOX of probe@example.test at 127.0.0.1:", run.Output, StringComparison.Ordinal);
        Assert.Contains("with IDLE", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"Round trip e2e-probe-\S+: delivered to INBOX in .*; 1 probe mail\(s\) deleted", run.Output);
        Assert.Equal(1, mailbox.Expunged);
        Assert.True(Assert.Single(kuma.Heartbeats).Up);
    }

    private static async Task<(WorkerRun Run, TimeSpan Elapsed, UptimeKumaStandIn Kuma, ScriptedMailbox Mailbox)> RunAsync(PeerFault? smtpFault, PeerFault? imapFault)
    {
        var mailbox = new ScriptedMailbox();
        await using var smtp = new ScriptedSmtpServer(smtpFault, mailbox);
        await using var imap = new ScriptedImapServer(imapFault, mailbox);
        var kuma = await UptimeKumaStandIn.StartAsync();
        // One grouping for every case: each push replaces the last, so the matrix does not pile groups up in the
        // stack's Pushgateway (its delivery is what is checked, not its figures).
        var environment = ProbeEnvironment.For(MailStack.Instance, "fault-matrix", kuma.PushUrl);
        environment["Probe__From"] = "probe@example.test";
        environment["Probe__To"] = "probe@example.test";
        environment["Probe__Deadline"] = $"00:00:{DeadlineSeconds}";
        environment["Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
        environment["Smtp__Security"] = "None";
        environment["Smtp__Username"] = "";
        environment["Smtp__Password"] = "";
        environment["Smtp__Timeout"] = $"00:00:0{StepSeconds}";
        environment["Imap__Port"] = imap.Port.ToString(CultureInfo.InvariantCulture);
        environment["Imap__Security"] = "None";
        environment["Imap__Username"] = "probe@example.test";
        environment["Imap__Password"] = "secret";
        environment["Imap__Timeout"] = $"00:00:0{StepSeconds}";
        var clock = Stopwatch.StartNew();
        var run = await WorkerProcess.RunAsync("roundtrip-probe", environment);
        var elapsed = clock.Elapsed;
        await kuma.DisposeAsync();
        return (run, elapsed, kuma, mailbox);
    }
}
