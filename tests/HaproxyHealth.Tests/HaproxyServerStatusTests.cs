using MailserverWorkers.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>HAProxy's stats CSV as other versions, proxies in between and broken pages serve it (the targets are the real stack's, hence the collection).</summary>
[Collection(HaproxyStackCollection.Name)]
public sealed class HaproxyServerStatusTests
{
    [Theory]
    [InlineData("# pxname,svname,qcur,status,check_status,chkfail,pxname,,svname,\nsmtp,postfix,0,UP,L4OK,3,x,,y,\n")]
    [InlineData("# pxname,svname,,status,,check_status,chkfail\nsmtp,postfix,,UP,,L4OK,3\n")]
    [InlineData("# pxname , svname,status,check_status,chkfail,\r\nsmtp,postfix,UP,L4OK,3,\r\nsmtp,BACKEND,UP,,0,\r\n")]
    public void ParseCsv_ReadsTheFirstOfEachColumn_IgnoringEmptyAndRepeatedNames(string csv)
    {
        var server = Assert.Single(HaproxyServerStatus.ParseCsv(csv));

        Assert.Equal(("smtp", "postfix", "UP", "L4OK", 3L), (server.Backend, server.Server, server.Status, server.CheckStatus, server.CheckFailures));
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("# pxname,svname,status\nsmtp,postfix,UP\n")]
    [InlineData("")]
    public async Task AStatsPageThatIsNotHAProxysCsv_FailsItsOwnStepOnly_AndEveryTargetIsStillReportedAndPushed(string body)
    {
        // The worker asks for "<stats uri>;csv".
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var page = await LoopbackWebApp.StartAsync(app => app.MapGet("/{**path}", (HttpContext context) =>
        {
            asked.Enqueue(context.Request.Path.Value ?? "");
            return Results.Text(body, "text/plain");
        }));
        var instance = "stats-" + Guid.NewGuid().ToString("n")[..8];
        var environment = HealthJobTests.Healthy();
        environment["HAProxy__StatsUrl"] = new Uri(page.BaseUrl(), "/stats").ToString();
        environment["Pushgateway__Url"] = MailStack.Instance.PushgatewayUrl.ToString();
        environment["Pushgateway__Labels__instance"] = instance;

        var run = await WorkerProcess.RunAsync("haproxy-health", environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        var lines = run.Lines.ToList();
        var failed = lines.FindIndex(l => l.Contains("FAILED HAProxy's stats (", StringComparison.Ordinal));
        var pushed = lines.FindIndex(l => l.Contains("Pushgateway push delivered", StringComparison.Ordinal));
        Assert.True(failed >= 0 && pushed > failed, "the FAILED line comes before the push: " + run);
        var line = Assert.Single(lines, l => l.Contains(" FAILED ", StringComparison.Ordinal));
        Assert.Equal(["/stats;csv"], asked);
        Assert.DoesNotContain("HTTP 404", line, StringComparison.Ordinal);
        Assert.Contains(body.Length == 0 || !body.StartsWith('#') ? "no header line ('# pxname,svname,...') in HAProxy's stats" : "HAProxy's stats have no 'check_status' column", line, StringComparison.Ordinal);
        Assert.Matches(@"smtp \(127\.0\.0\.1:\d+, smtp, proxy none, expect accept\): 10/10 ok", run.Output);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStatsSocketPathLongerThanAUnixSocketCanBe_IsAConfigurationError()
    {
        var environment = HealthJobTests.Healthy();
        environment["HAProxy__StatsSocket"] = "/run/" + new string('h', 110) + "/admin.sock";

        var run = await WorkerProcess.RunAsync("haproxy-health", environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("haproxy-health: configuration invalid: HAProxy__StatsSocket: is 126 bytes long, more than a Unix socket path can be (107); use a shorter path or a link to it", Assert.Single(run.Lines));
    }

    [Theory]
    [InlineData("page")]
    [InlineData("socket")]
    public async Task AStatsSourceThatNeverStops_FailsItsStepAtTheSizeLimit_AndTheRunStillReports(string kind)
    {
        // Both send without end: a page of endless CSV rows, a socket that never closes.
        var row = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("smtp,postfix,0,UP,L4OK,0\n", 2000)));
        await using var page = await LoopbackWebApp.StartAsync(app => app.MapGet("/{**path}", async (HttpContext context) =>
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(row, context.RequestAborted);
            }
        }));
        var socketPath = Path.Join(Path.GetTempPath(), $"stats-{Guid.NewGuid():n}.sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        listener.Listen();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            try
            {
                using var client = await listener.AcceptAsync(stop.Token);
                while (!stop.IsCancellationRequested)
                {
                    await client.SendAsync(row, stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException)
            {
            }
        });
        var environment = HealthJobTests.Healthy();
        if (kind == "page")
        {
            environment["HAProxy__StatsUrl"] = new Uri(page.BaseUrl(), "/stats").ToString();
        }
        else
        {
            environment["HAProxy__StatsSocket"] = socketPath;
        }

        environment["HAProxy__Timeout"] = "00:00:30";
        try
        {
            var run = await WorkerProcess.RunAsync("haproxy-health", environment);

            Assert.True(run.ExitCode == 1, run.ToString()[..Math.Min(3000, run.ToString().Length)]);
            var failed = Assert.Single(run.Lines, l => l.Contains(" FAILED ", StringComparison.Ordinal));
            Assert.True(failed.Contains("answer larger than 8388608 bytes (not read further)", StringComparison.Ordinal), failed);
            Assert.DoesNotContain("HTTP 404", failed, StringComparison.Ordinal);
            Assert.Matches(@"smtp \(127\.0\.0\.1:\d+, smtp, proxy none, expect accept\): 10/10 ok", run.Output);
        }
        finally
        {
            await stop.CancelAsync();
            await serving;
            File.Delete(socketPath);
        }
    }

    [Fact]
    public async Task AMissingOrDeadStatsSocket_SaysWhichItIs()
    {
        var missing = Path.Join(Path.GetTempPath(), $"absent-{Guid.NewGuid():n}.sock");
        var stale = Path.Join(Path.GetTempPath(), $"stale-{Guid.NewGuid():n}.sock");
        // A socket file nobody answers on: bound, hard-linked under another name, closed (.NET removes the first name).
        var bound = stale + ".bound";
        using (var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(bound));
            var linked = await ExternalProgram.RunAsync("ln", [bound, stale]);
            Assert.True(linked.ExitCode == 0, linked.Error);
        }

        try
        {
            foreach (var (path, expected) in new[] { (missing, $"{missing} does not exist (is HAProxy's stats socket mounted here?)"), (stale, $"nothing listens on {stale}") })
            {
                var socket = new HaproxyStatsSocket(Microsoft.Extensions.Options.Options.Create(new HaproxyOptions { StatsSocket = path }));

                var e = await Assert.ThrowsAsync<IOException>(() => socket.ReadCsvAsync(CancellationToken.None));

                Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(stale);
        }
    }
}
