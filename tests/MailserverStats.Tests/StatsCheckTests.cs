using MailserverWorkers.Testing;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary><c>--check</c> against the real Postfix, Dovecot and Rspamd: each source read once, nothing pushed; a source that fails is one FAILED line.</summary>
public sealed class StatsCheckTests
{
    private static MailStack Stack => MailStack.Instance;

    [Fact]
    public async Task Check_ReadsEachSource_PushesNothing_AndNamesWhatFails()
    {
        var environment = StatsEnvironment.For("postfix", "dovecot", "rspamd");
        var ok = await StatsEnvironment.RunAsync(environment, "--check");
        environment["Stats__RspamdController"] = $"127.0.0.1:{LoopbackPorts.Closed()}";
        var failing = await StatsEnvironment.RunAsync(environment, "--check");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("ok postfix statistics (local) read", ok.Output, StringComparison.Ordinal);
        Assert.Contains("ok dovecot statistics (local) read", ok.Output, StringComparison.Ordinal);
        Assert.Contains("ok rspamd statistics (local) read", ok.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("mailserver_", ok.Output, StringComparison.Ordinal);
        Assert.True(failing.ExitCode == 1, failing.ToString());
        Assert.Contains("FAILED rspamd statistics (local) read: rspamc (local) exited 1: ", failing.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.DoesNotContain($"instance=\"{environment["Pushgateway__Labels__instance"]}\"", await http.GetStringAsync(new Uri(Stack.PushgatewayUrl, "/metrics")), StringComparison.Ordinal);
    }
}
