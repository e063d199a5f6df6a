using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;
using static MailserverWorkers.Testing.StandIns.PeerFaultKind;

// bench/faults: what a misbehaving peer costs the published workers. Each case runs the worker once against scripted
// peers on loopback (the test suite's own) and prints its exit code, wall time, peak RSS (GNU time's %M) and the
// cause it reported. Target (issue 18): peak RSS under 120 MiB whatever a peer sends; the chart's limit is 192 MiB.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FaultBench <published roundtrip-probe> <published haproxy-health>");
    return 2;
}

var (probe, health) = (args[0], args[1]);
Console.WriteLine($"{"worker",-16} {"case",-34} {"exit",4} {"wall",8} {"peak RSS",10}  cause");
foreach (var (side, fault) in new (string, PeerFault?)[]
{
    ("none", null),
    ("smtp", new("greeting", UnterminatedLine)),
    ("smtp", new("greeting", EndlessLines)),
    ("smtp", new("EHLO", EndlessLines)),
    ("smtp", new("greeting", Trickle)),
    ("imap", new("greeting", UnterminatedLine)),
    ("imap", new("greeting", EndlessLines)),
    ("imap", new("FETCH", UnterminatedLine)),
    ("imap", new("SEARCH", EndlessLines)),
})
{
    var mailbox = new ScriptedMailbox();
    await using var smtp = new ScriptedSmtpServer(side == "smtp" ? fault : null, mailbox);
    await using var imap = new ScriptedImapServer(side == "imap" ? fault : null, mailbox);
    var result = await RunAsync(probe, new()
    {
        ["Probe__From"] = "probe@example.test",
        ["Probe__To"] = "probe@example.test",
        ["Probe__Deadline"] = "00:00:30",
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Smtp__Security"] = "None",
        ["Smtp__Timeout"] = "00:00:10",
        ["Imap__Host"] = "127.0.0.1",
        ["Imap__Port"] = imap.Port.ToString(CultureInfo.InvariantCulture),
        ["Imap__Security"] = "None",
        ["Imap__Username"] = "probe@example.test",
        ["Imap__Password"] = "secret",
        ["Imap__Timeout"] = "00:00:10",
    }, "(failed at stage .*|delivered to INBOX)");
    Report("roundtrip-probe", fault is null ? "no fault" : $"{side} {fault}", result);
}

foreach (var (protocol, fault) in new (string, PeerFault)[]
{
    ("smtp", new("greeting", UnterminatedLine)),
    ("smtp-starttls", new("EHLO", EndlessLines)),
    ("smtp", new("QUIT", EndlessLines)),
    ("imap", new("greeting", UnterminatedLine)),
})
{
    await using LoopbackTcpServer peer = protocol.StartsWith("smtp", StringComparison.Ordinal) ? new ScriptedSmtpServer(fault) : new ScriptedImapServer(fault);
    var result = await RunAsync(health, new()
    {
        ["Targets__t__Host"] = "127.0.0.1",
        ["Targets__t__Port"] = peer.Port.ToString(CultureInfo.InvariantCulture),
        ["Targets__t__Protocol"] = protocol,
        ["Targets__t__Attempts"] = "40",
        ["Targets__t__Concurrency"] = "40",
        ["Targets__t__Timeout"] = "00:00:10",
    }, @"\d+/40 ok.*");
    Report("haproxy-health", $"{protocol} {fault} x40", result);
}

return 0;

static async Task<(int Exit, TimeSpan Wall, double PeakMib, string Cause)> RunAsync(string worker, Dictionary<string, string> environment, string causePattern)
{
    var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var argument in new[] { "-f", "peak-rss-kib %M", worker })
    {
        start.ArgumentList.Add(argument);
    }

    foreach (var (key, value) in environment)
    {
        start.Environment[key] = value;
    }

    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var output = await process.StandardError.ReadToEndAsync() + await stdout;
    await process.WaitForExitAsync();
    var wall = clock.Elapsed;
    var peak = double.Parse(Regex.Match(output, @"peak-rss-kib (\d+)").Groups[1].Value, CultureInfo.InvariantCulture) / 1024;
    var cause = Regex.Match(output, causePattern) is { Success: true } m ? m.Value : "(no line matched " + causePattern + ")";
    return (process.ExitCode, wall, peak, cause.Length > 120 ? cause[..120] + "..." : cause);
}

static void Report(string worker, string name, (int Exit, TimeSpan Wall, double PeakMib, string Cause) r) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{worker,-16} {name,-34} {r.Exit,4} {r.Wall.TotalSeconds,7:0.00}s {r.PeakMib,7:0.0} MiB  {r.Cause}"));
