using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailserverWorkers.Testing;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>
/// A listener of the test's own that greets a known time late and notes when it really accepted and wrote each
/// greeting: the greeting phase the worker reports is that wait within max(2 ms, 10 %), and the connect does not take
/// it in. The worker runs as its own process and the listener on a thread of its own with blocking calls, so that
/// neither side's timestamps wait for a thread pool the other tests of this process keep busy.
/// </summary>
public sealed class LateGreeterTests
{
    [Theory]
    [InlineData("smtp", 300)]
    [InlineData("imap", 300)]
    [InlineData("smtp", 600)]
    public async Task TheGreetingPhase_IsTheServersOwnDelay(string protocol, int delayMilliseconds)
    {
        using var server = new LateGreeter(protocol, TimeSpan.FromMilliseconds(delayMilliseconds));
        var environment = new Dictionary<string, string>
        {
            ["Targets__late__Host"] = "127.0.0.1",
            ["Targets__late__Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["Targets__late__Protocol"] = protocol,
            ["Targets__late__Attempts"] = "5",
        };

        var run = await WorkerProcess.RunAsync("haproxy-health", environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        // One warm-up attempt before the five timed ones, which the report does not count.
        var waits = server.Waits.ToList();
        Assert.Equal(6, waits.Count);
        Assert.Matches($@"late \(127\.0\.0\.1:\d+, {protocol}, proxy none, expect accept\): 5/5 ok, p50 [\d.]+ ms, p95 [\d.]+ ms, banner [\d.]+ ms; p50/p95 connect [\d.]+/[\d.]+, greeting [\d.]+/[\d.]+, tls -/- ms", run.Output);
        var truth = waits.Skip(1).Order().ElementAt(2).TotalSeconds;
        var tolerance = Math.Max(0.002, truth * 0.1);
        var greeting = run.LoggedMetric("mail_path_phase_seconds{target=\"late\",phase=\"greeting\",quantile=\"0.5\"}");
        Assert.True(Math.Abs(greeting - truth) <= tolerance, $"greeting {greeting * 1000:0.0} ms, the server waited {truth * 1000:0.0} ms (median)");
        Assert.True(truth >= (delayMilliseconds - 5) / 1000.0, $"the server waited {truth}");
        Assert.True(run.LoggedMetric("mail_path_phase_seconds{target=\"late\",phase=\"connect\",quantile=\"0.5\"}") < delayMilliseconds / 2000.0);
        Assert.True(run.LoggedMetric("mail_path_phase_seconds{target=\"late\",phase=\"attempt\",quantile=\"0.95\"}") >= greeting);
        Assert.DoesNotContain("phase=\"tls\"", run.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A loopback listener on a thread of its own: accepts, sleeps, greets (220 or * OK), answers QUIT or reads
    /// LOGOUT, one connection after another, and notes each wait from its accept to its greeting's send.
    /// </summary>
    private sealed class LateGreeter : IDisposable
    {
        private readonly Socket listener = new(SocketType.Stream, ProtocolType.Tcp);
        private readonly Thread thread;

        public LateGreeter(string protocol, TimeSpan delay)
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(16);
            thread = new Thread(() => Serve(protocol, delay)) { IsBackground = true, Name = "late greeter" };
            thread.Start();
        }

        public int Port => ((IPEndPoint)listener.LocalEndPoint!).Port;

        public System.Collections.Concurrent.ConcurrentQueue<TimeSpan> Waits { get; } = new();

        public void Dispose()
        {
            listener.Dispose();
            thread.Join(TimeSpan.FromSeconds(5));
        }

        private void Serve(string protocol, TimeSpan delay)
        {
            var greeting = Encoding.ASCII.GetBytes(protocol == "smtp" ? "220 late.example.test ESMTP\r\n" : "* OK late.example.test ready\r\n");
            while (true)
            {
                Socket client;
                try
                {
                    client = listener.Accept();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                using (client)
                {
                    var accepted = Stopwatch.GetTimestamp();
                    try
                    {
                        client.NoDelay = true;
                        Thread.Sleep(delay);
                        client.Send(greeting);
                        Waits.Enqueue(Stopwatch.GetElapsedTime(accepted));
                        client.ReceiveTimeout = 2000;
                        var buffer = new byte[512];
                        if (client.Receive(buffer) > 0 && protocol == "smtp")
                        {
                            client.Send("221 2.0.0 Bye\r\n"u8.ToArray());
                        }
                    }
                    catch (SocketException)
                    {
                        // The client hung up.
                    }
                }
            }
        }
    }
}
