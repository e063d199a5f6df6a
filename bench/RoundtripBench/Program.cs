using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using MailserverWorkers.Testing;

// bench/roundtrip: figures for the published roundtrip-probe on the local stack.
//  - detection lag: Dovecot moving the mail into the Maildir's new/ (inotify) to the probe's "seen" log line (UTC ms);
//  - the whole round trip: process start to exit, and the probe's own "delivered in" figure;
//  - process start to the first SMTP command: a loopback relay in front of submission timestamps the client's first byte;
//  - peak RSS: getrusage(RUSAGE_CHILDREN).ru_maxrss, the largest probe process of the run.
var probe = args.Length > 0 ? args[0] : throw new ArgumentException("usage: RoundtripBench <published roundtrip-probe> [idle runs] [poll runs]");
var idleRuns = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var pollRuns = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var stack = MailStack.Instance;
var inbox = Path.Combine(stack.MaildirOf(stack.ProbeUser), "new");
Directory.CreateDirectory(inbox);

using var relay = new FirstByteRelay(stack.SubmissionPort);
var idle = new List<Sample>();
for (var i = 0; i < idleRuns; i++)
{
    idle.Add(await RunAsync(new() { ["Probe__UseIdle"] = "true" }));
}

var polled = new List<Sample>();
for (var i = 0; i < pollRuns; i++)
{
    polled.Add(await RunAsync(new() { ["Probe__UseIdle"] = "false", ["Probe__PollInterval"] = "00:00:20", ["Probe__Deadline"] = "00:01:00" }));
}

Console.WriteLine($"roundtrip-probe on the local stack ({Environment.ProcessorCount} cores); {idleRuns} runs with IDLE, {pollRuns} with 20 s polling");
Report("detection lag, IDLE (delivery to seen)", idle.Select(s => s.DetectionLag));
Report("detection lag, 20 s polling (old script)", polled.Select(s => s.DetectionLag));
Report("whole round trip, IDLE (process start to exit)", idle.Select(s => s.ProcessWall));
Report("whole round trip, IDLE (probe's own figure)", idle.Select(s => s.ReportedRoundTrip));
Report("process start to first SMTP command", idle.Concat(polled).Select(s => s.StartToFirstSmtpCommand));
Console.WriteLine($"  {"peak RSS (largest probe process)",-52} {PeakChildRssKib() / 1024.0:0.0} MiB");
return 0;

async Task<Sample> RunAsync(Dictionary<string, string> overrides)
{
    var created = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
    using var watcher = new FileSystemWatcher(inbox) { EnableRaisingEvents = true };
    watcher.Created += (_, _) => created.TrySetResult(DateTime.UtcNow);
    watcher.Renamed += (_, _) => created.TrySetResult(DateTime.UtcNow);
    relay.Reset();

    var start = new ProcessStartInfo(probe) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var (key, value) in ProbeEnvironment(stack, relay.Port).Concat(overrides))
    {
        start.Environment[key] = value;
    }

    var started = DateTime.UtcNow;
    using var process = Process.Start(start)!;
    // The workers log to standard error; both pipes are read at once so neither can fill and block the probe.
    var stdout = process.StandardOutput.ReadToEndAsync();
    var output = await process.StandardError.ReadToEndAsync() + await stdout;
    await process.WaitForExitAsync();
    var wall = DateTime.UtcNow - started;
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"probe exited {process.ExitCode}:\n{output}");
    }

    var seen = LogTime(output, "seen in INBOX");
    var reported = TimeSpan.FromSeconds(double.Parse(Regex.Match(output, @"delivered to INBOX in ([0-9.]+)s").Groups[1].Value, CultureInfo.InvariantCulture));
    var delivered = await created.Task.WaitAsync(TimeSpan.FromSeconds(5));
    return new Sample(seen - delivered, wall, reported, relay.FirstClientByte!.Value - started);
}

static Dictionary<string, string> ProbeEnvironment(MailStack stack, int smtpPort) => new()
{
    ["Probe__From"] = stack.ProbeUser,
    ["Probe__To"] = stack.ProbeUser,
    ["Smtp__Host"] = "127.0.0.1",
    ["Smtp__Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
    ["Smtp__Security"] = "StartTls",
    ["Smtp__Username"] = stack.ProbeUser,
    ["Smtp__Password"] = stack.ProbePassword,
    ["Imap__Host"] = "127.0.0.1",
    ["Imap__Port"] = stack.ImapsPort.ToString(CultureInfo.InvariantCulture),
    ["Imap__Security"] = "SslOnConnect",
    ["Imap__Username"] = stack.ProbeUser,
    ["Imap__Password"] = stack.ProbePassword,
    ["Tls__CaFile"] = stack.CaFile,
    ["Pushgateway__Url"] = stack.PushgatewayUrl.ToString(),
    ["Pushgateway__Labels__instance"] = "bench",
};

static DateTime LogTime(string output, string marker)
{
    var line = output.Split('\n').First(l => l.Contains(marker, StringComparison.Ordinal));
    return DateTime.ParseExact(line[..24], "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}

static void Report(string what, IEnumerable<TimeSpan> samples)
{
    var ms = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
    if (ms.Length == 0)
    {
        return;
    }

    double At(double q) => ms[(int)Math.Min(ms.Length - 1, Math.Ceiling(q * ms.Length) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {what,-52} median {At(0.5),8:0.0} ms   p95 {At(0.95),8:0.0} ms   min {ms[0],8:0.0} ms   max {ms[^1],8:0.0} ms"));
}

static unsafe long PeakChildRssKib()
{
    // struct rusage on 64-bit Linux: two struct timeval (16 bytes each), then ru_maxrss (long, KiB).
    var buffer = stackalloc long[18];
    return getrusage(-1 /* RUSAGE_CHILDREN */, buffer) == 0 ? buffer[4] : -1;
}

[DllImport("libc", SetLastError = true)]
static extern unsafe int getrusage(int who, long* usage);

internal sealed record Sample(TimeSpan DetectionLag, TimeSpan ProcessWall, TimeSpan ReportedRoundTrip, TimeSpan StartToFirstSmtpCommand);

/// <summary>A loopback TCP relay in front of Postfix's submission port that notes when the client first speaks (EHLO).</summary>
internal sealed class FirstByteRelay : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int target;
    private readonly CancellationTokenSource stop = new();
    private long firstClientByteTicks;

    public FirstByteRelay(int target)
    {
        this.target = target;
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public DateTime? FirstClientByte => Interlocked.Read(ref firstClientByteTicks) is var t and > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

    public void Reset() => Interlocked.Exchange(ref firstClientByteTicks, 0);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            await server.ConnectAsync(IPAddress.Loopback, target);
            var toServer = CopyAsync(client.GetStream(), server.GetStream(), noteFirstByte: true);
            var toClient = CopyAsync(server.GetStream(), client.GetStream(), noteFirstByte: false);
            await Task.WhenAny(toServer, toClient);
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, bool noteFirstByte)
    {
        var buffer = new byte[16384];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
            {
                if (noteFirstByte)
                {
                    Interlocked.CompareExchange(ref firstClientByteTicks, DateTime.UtcNow.Ticks, 0);
                    noteFirstByte = false;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
