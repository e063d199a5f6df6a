using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;
using static MailserverWorkers.Testing.StandIns.PeerFaultKind;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>
/// The fault matrix: haproxy-health as a process, one run with a target per fault, each target a scripted SMTP or
/// IMAP peer on loopback failing at one step (stall, reset, close, a byte a second, an unterminated 64 MiB line,
/// endless reply lines, garbage), metrics to the stack's real Pushgateway. Each target's line must carry its true
/// cause, each failing target a FAILED line written before the push, the run must end within the targets' Timeout
/// (they run at once), and the report must go out.
/// </summary>
public sealed class FaultMatrixTests
{
    private const string Timeout = "00:00:02";

    // Not a speed target: the margin for starting the process and the push on a loaded 2-core machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    private sealed record Case(string Name, string Protocol, string Server, PeerFault Fault, string Expect, string Outcome);

    private static readonly Case[] Cases =
    [
        // name, protocol, the peer, its fault, Expect, what the target's line says (a regular expression)
        new("smtp_greeting_stall", "smtp", "smtp", new("greeting", Stall), "accept", "0/2 ok.*; 2x no answer within 00:00:02$"),
        new("smtp_greeting_reset", "smtp", "smtp", new("greeting", Reset), "accept", "0/2 ok.*; 2x connection lost: .*reset by peer"),
        new("smtp_greeting_close", "smtp", "smtp", new("greeting", Close), "accept", "0/2 ok.*; 2x closed before the greeting$"),
        new("smtp_greeting_trickle", "smtp", "smtp", new("greeting", Trickle), "accept", "0/2 ok.*; 2x no answer within 00:00:02$"),
        new("smtp_greeting_unterminated", "smtp", "smtp", new("greeting", UnterminatedLine), "accept", "0/2 ok.*; 2x a line longer than 4096 bytes$"),
        new("smtp_greeting_garbage", "smtp", "smtp", new("greeting", Garbage), "accept", @"0/2 ok.*; 2x greeting '\\x00\\x1b\[2J.*', not 220$"),
        new("starttls_ehlo_endless", "smtp-starttls", "smtp", new("EHLO", EndlessLines), "accept", "0/2 ok.*; 2x a reply longer than 100 lines$"),
        new("starttls_stall", "smtp-starttls", "smtp", new("STARTTLS", Stall), "accept", "0/2 ok.*; 2x no answer within 00:00:02$"),
        new("starttls_refused", "smtp-starttls", "smtp", new("none", Stall), "accept", "0/2 ok.*; 2x STARTTLS answered '454 4.7.0 TLS not available'$"),
        new("smtp_quit_stall", "smtp", "smtp", new("QUIT", Stall), "accept", "2/2 ok"),
        new("smtp_quit_endless", "smtp", "smtp", new("QUIT", EndlessLines), "accept", "2/2 ok"),
        new("smtp_quit_reset", "smtp", "smtp", new("QUIT", Reset), "accept", "2/2 ok"),
        new("imap_greeting_stall", "imap", "imap", new("greeting", Stall), "accept", "0/2 ok.*; 2x no answer within 00:00:02$"),
        new("imap_greeting_reset", "imap", "imap", new("greeting", Reset), "accept", "0/2 ok.*; 2x connection lost: .*reset by peer"),
        new("imap_greeting_garbage", "imap", "imap", new("greeting", Garbage), "accept", @"0/2 ok.*; 2x greeting '\\x00\\x1b\[2J.*', not \* OK$"),
        new("imap_greeting_endless", "imap", "imap", new("greeting", EndlessLines), "accept", "2/2 ok"),
        new("reject_reset", "smtp", "smtp", new("greeting", Reset), "reject-without-proxy", "2/2 ok"),
        new("reject_close", "smtp", "smtp", new("greeting", Close), "reject-without-proxy", "2/2 ok"),
        new("reject_stall", "smtp", "smtp", new("greeting", Stall), "reject-without-proxy", "0/2 ok.*; 2x neither refused nor closed within 00:00:02"),
        new("reject_served", "smtp", "smtp", new("none", Stall), "reject-without-proxy", "0/2 ok.*; 2x served a client that sent no PROXY header: '220 scripted.test ESMTP'$"),
    ];

    [Fact]
    public async Task EveryTarget_IsReportedWithItsTrueCause_FailedLinesBeforeThePush_WithinTheTimeout()
    {
        var peers = new List<LoopbackTcpServer>();
        var instance = "faults-" + Guid.NewGuid().ToString("n")[..8];
        var environment = new Dictionary<string, string>
        {
            ["Pushgateway__Url"] = MailStack.Instance.PushgatewayUrl.ToString(),
            ["Pushgateway__Labels__instance"] = instance,
        };
        try
        {
            foreach (var c in Cases)
            {
                LoopbackTcpServer peer = c.Server == "smtp" ? new ScriptedSmtpServer(c.Fault) : new ScriptedImapServer(c.Fault);
                peers.Add(peer);
                var key = $"Targets__{c.Name}__";
                environment[key + "Host"] = "127.0.0.1";
                environment[key + "Port"] = peer.Port.ToString(CultureInfo.InvariantCulture);
                environment[key + "Protocol"] = c.Protocol;
                environment[key + "Expect"] = c.Expect;
                environment[key + "Attempts"] = "2";
                environment[key + "Concurrency"] = "2";
                environment[key + "Timeout"] = Timeout;
            }

            var clock = Stopwatch.StartNew();
            var run = await WorkerProcess.RunAsync("haproxy-health", environment);
            var elapsed = clock.Elapsed;

            Assert.True(run.ExitCode == 1, run.ToString());
            var lines = run.Lines.ToList();
            var pushedAt = lines.FindIndex(l => l.Contains("Pushgateway push delivered", StringComparison.Ordinal));
            Assert.True(pushedAt >= 0, run.ToString());
            foreach (var c in Cases)
            {
                var line = Assert.Single(lines, l => l.Contains($" {c.Name} (127.0.0.1:", StringComparison.Ordinal));
                Assert.True(Regex.IsMatch(line, c.Outcome), $"{c.Name}: {line}");
                var failed = lines.FindIndex(l => l.Contains($"FAILED target {c.Name}:", StringComparison.Ordinal));
                Assert.True(c.Outcome.StartsWith("2/2", StringComparison.Ordinal) ? failed < 0 : failed >= 0 && failed < pushedAt, $"{c.Name}: FAILED line at {failed}, push at {pushedAt}");
            }

            Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
            var bound = TimeSpan.Parse(Timeout, CultureInfo.InvariantCulture) + Margin;
            Assert.True(elapsed < bound, $"{elapsed.TotalSeconds:0.0}s, bound {bound.TotalSeconds}s");
            using var http = new HttpClient();
            var pushed = await http.GetStringAsync(new Uri(MailStack.Instance.PushgatewayUrl, "/metrics"));
            Assert.Contains(pushed.Split('\n'), l => l.StartsWith("mail_path_probe_success_ratio{", StringComparison.Ordinal)
                && l.Contains($"instance=\"{instance}\"", StringComparison.Ordinal) && l.Contains("target=\"smtp_greeting_reset\"", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }
}
