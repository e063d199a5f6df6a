using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailserverWorkers.Testing;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>
/// A listener of the test's own that greets a known time late, and notes when it really wrote each greeting: the
/// greeting phase the worker reports is that wait, within max(2 ms, 10 %), and the other phases do not take it in.
/// </summary>
public sealed class LateGreeterTests
{
    [Theory]
    [InlineData("smtp", 150)]
    [InlineData("imap", 150)]
    [InlineData("smtp", 400)]
    public async Task TheGreetingPhase_IsTheServersOwnDelay(string protocol, int delayMilliseconds)
    {
        await using var server = new LateGreeter(protocol, TimeSpan.FromMilliseconds(delayMilliseconds));
        var prober = HealthParts.Prober();
        var target = HealthParts.Target(server.Port.ToString(CultureInfo.InvariantCulture), protocol);

        var attempts = new List<PathAttempt>();
        for (var i = 0; i < 3; i++)
        {
            attempts.Add(await prober.AttemptAsync(target, [IPAddress.Loopback], CancellationToken.None));
        }

        Assert.All(attempts, a => Assert.True(a.Succeeded, a.Error));
        var waits = server.Waits.ToList();
        Assert.Equal(3, waits.Count);
        for (var i = 0; i < attempts.Count; i++)
        {
            // The server's own wait, from its accept to its write: Task.Delay on a loaded machine overshoots, and
            // what the worker must report is what the server did.
            var truth = waits[i];
            var tolerance = TimeSpan.FromMilliseconds(Math.Max(2, truth.TotalMilliseconds * 0.1));
            var greeting = attempts[i].Greeting!.Value;
            Assert.True((greeting - truth).Duration() <= tolerance, $"greeting {greeting.TotalMilliseconds:0.0} ms, the server waited {truth.TotalMilliseconds:0.0} ms");
            // Task.Delay may end a timer tick early by the Stopwatch's count.
            Assert.True(truth >= TimeSpan.FromMilliseconds(delayMilliseconds - 5), $"the server waited {truth}");
            // Nothing of the wait is in the connect; the attempt holds it once.
            Assert.True(attempts[i].Connect < TimeSpan.FromMilliseconds(delayMilliseconds / 2), $"connect {attempts[i].Connect}");
            Assert.True(attempts[i].Total >= greeting);
            Assert.Null(attempts[i].TlsHandshake);
        }
    }

    [Fact]
    public async Task ARun_ReportsEachPhase_InTheLogLineAndTheMetrics()
    {
        await using var server = new LateGreeter("smtp", TimeSpan.FromMilliseconds(120));
        var environment = new Dictionary<string, string>
        {
            ["Targets__late__Host"] = "127.0.0.1",
            ["Targets__late__Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["Targets__late__Protocol"] = "smtp",
            ["Targets__late__Attempts"] = "4",
        };

        var run = await WorkerProcess.RunAsync("haproxy-health", environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        // One warm-up attempt before the timed ones, which the report does not count.
        Assert.Equal(5, server.Waits.Count);
        Assert.Contains("late (127.0.0.1:", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"late \(127\.0\.0\.1:\d+, smtp, proxy none, expect accept\): 4/4 ok, p50 [\d.]+ ms, p95 [\d.]+ ms, banner [\d.]+ ms; p50/p95 connect [\d.]+/[\d.]+, greeting [\d.]+/[\d.]+, tls -/- ms", run.Output);
        var greeting = run.LoggedMetric("mail_path_phase_seconds{target=\"late\",phase=\"greeting\",quantile=\"0.5\"}");
        var median = server.Waits.Skip(1).Order().ElementAt(1).TotalSeconds;
        Assert.InRange(greeting, median - Math.Max(0.002, median * 0.1), median + Math.Max(0.002, median * 0.1));
        Assert.True(run.LoggedMetric("mail_path_phase_seconds{target=\"late\",phase=\"connect\",quantile=\"0.5\"}") < 0.06);
        Assert.True(run.LoggedMetric("mail_path_phase_seconds{target=\"late\",phase=\"attempt\",quantile=\"0.95\"}") >= greeting);
        Assert.DoesNotContain("phase=\"tls\"", run.Output, StringComparison.Ordinal);
    }

    /// <summary>A loopback listener that accepts, waits, greets (220 or * OK), answers QUIT or LOGOUT, and times its own wait.</summary>
    private sealed class LateGreeter : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly Task serving;

        public LateGreeter(string protocol, TimeSpan delay)
        {
            listener.Start();
            serving = ServeAsync(protocol, delay);
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public System.Collections.Concurrent.ConcurrentQueue<TimeSpan> Waits { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            listener.Stop();
            try
            {
                await serving;
            }
            catch (OperationCanceledException)
            {
            }

            stop.Dispose();
        }

        private async Task ServeAsync(string protocol, TimeSpan delay)
        {
            var connections = new List<Task>();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var client = await listener.AcceptTcpClientAsync(stop.Token);
                    connections.Add(GreetLateAsync(client, Stopwatch.GetTimestamp(), protocol, delay));
                }
            }
            finally
            {
                await Task.WhenAll(connections);
            }
        }

        private async Task GreetLateAsync(TcpClient client, long accepted, string protocol, TimeSpan delay)
        {
            using (client)
            {
                try
                {
                    client.NoDelay = true;
                    var stream = client.GetStream();
                    await Task.Delay(delay, stop.Token);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(protocol == "smtp" ? "220 late.example.test ESMTP\r\n" : "* OK late.example.test ready\r\n"), stop.Token);
                    Waits.Enqueue(Stopwatch.GetElapsedTime(accepted));
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    idle.CancelAfter(TimeSpan.FromSeconds(2));
                    if (await stream.ReadAsync(new byte[512], idle.Token) > 0 && protocol == "smtp")
                    {
                        await stream.WriteAsync("221 2.0.0 Bye\r\n"u8.ToArray(), idle.Token);
                    }
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    // The client hung up, or the test ended.
                }
            }
        }
    }
}
