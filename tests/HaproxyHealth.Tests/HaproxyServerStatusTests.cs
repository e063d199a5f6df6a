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
        await using var page = await LoopbackWebApp.StartAsync(app => app.MapGet("/stats", () => Results.Text(body, "text/plain")));
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
        Assert.Single(lines, l => l.Contains(" FAILED ", StringComparison.Ordinal));
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
}
