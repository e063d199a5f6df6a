using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MailserverWorkers.Testing;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>
/// Attempts run one at a time by default, so that none is timed while another runs; a target whose warm-up or one of
/// whose attempts runs into its Timeout has the rest go at once, so that a silent path costs about two Timeouts, not
/// Attempts of them.
/// </summary>
public sealed class SilentTargetTests
{
    [Fact]
    public async Task AfterTheFirstTimeout_TheRestGoAtOnce()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = 0;
        var mostAtOnce = 0;
        var accepted = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                lock (accepted)
                {
                    accepted.Add(client);
                    // Connections closed by the worker are noticed when the next one arrives.
                    open = accepted.Count(c => !IsClosed(c));
                    mostAtOnce = Math.Max(mostAtOnce, open);
                }
            }
        });
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["Targets__silent__Host"] = "127.0.0.1",
                ["Targets__silent__Port"] = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture),
                ["Targets__silent__Protocol"] = "smtp",
                ["Targets__silent__Attempts"] = "6",
                ["Targets__silent__Timeout"] = "00:00:01",
            };

            var run = await WorkerProcess.RunAsync("haproxy-health", environment);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("0/6 ok", run.Output, StringComparison.Ordinal);
            Assert.Contains("6x no answer within 00:00:01", run.Output, StringComparison.Ordinal);
            // The warm-up found no answer within its limit (the target's 1 s): the six timed attempts go together.
            Assert.Equal(7, accepted.Count);
            Assert.True(mostAtOnce >= 5, $"at most {mostAtOnce} connections were open at once");
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            lock (accepted)
            {
                accepted.ForEach(c => c.Dispose());
            }
        }
    }

    private static bool IsClosed(TcpClient client) =>
        client.Client.Poll(0, SelectMode.SelectRead) && client.Client.Available == 0;
}
