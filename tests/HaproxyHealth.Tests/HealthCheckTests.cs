using MailserverWorkers.Testing;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary><c>--check</c> against the real HAProxy and Postfix: one attempt per target and HAProxy's stats; a target that refuses is one FAILED line; nothing is pushed.</summary>
[Collection(HaproxyStackCollection.Name)]
public sealed class HealthCheckTests
{
    private static MailStack Stack => MailStack.Instance;

    [Fact]
    public async Task Check_MakesOneAttemptPerTarget_AndReadsTheStats_AndNamesWhatFails()
    {
        var closed = LoopbackPorts.Closed();
        var environment = HealthJobTests.Healthy();
        environment["HAProxy__StatsSocket"] = Stack["MAILSTACK_HAPROXY_STATS_SOCKET"];
        environment["Pushgateway__Url"] = Stack.PushgatewayUrl.ToString();
        var instance = "check-" + Guid.NewGuid().ToString("n")[..8];
        environment["Pushgateway__Labels__instance"] = instance;

        var ok = await WorkerProcess.RunAsync("haproxy-health", environment, ["--check"]);
        environment["Targets__closed__Host"] = "127.0.0.1";
        environment["Targets__closed__Port"] = closed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Targets__closed__Protocol"] = "tcp";
        var failing = await WorkerProcess.RunAsync("haproxy-health", environment, ["--check"]);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Matches(@"ok target smtp \(127\.0\.0\.1:\d+, smtp, proxy none, expect accept\): one attempt", ok.Output);
        Assert.Matches(@"ok HAProxy's stats \(.*\) read", ok.Output);
        Assert.DoesNotContain("mail_path_", ok.Output, StringComparison.Ordinal);
        Assert.True(failing.ExitCode == 1, failing.ToString());
        Assert.Contains($"FAILED target closed (127.0.0.1:{closed}, tcp, proxy none, expect accept): one attempt: connection refused", failing.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.DoesNotContain($"instance=\"{instance}\"", await http.GetStringAsync(new Uri(Stack.PushgatewayUrl, "/metrics")), StringComparison.Ordinal);
    }
}
