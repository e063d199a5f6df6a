using MailserverWorkers.Testing;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>Bad configuration: exit 2 and one line naming the key, before any command runs.</summary>
public sealed class StatsConfigurationTests
{
    [Theory]
    [InlineData("Stats__Postfix", "false", "Stats__Postfix, Stats__Dovecot, Stats__Rspamd: all false; set at least one to true")]
    [InlineData("Stats__Runner", "ssh", "Stats__Runner")]
    [InlineData("Stats__Timeout", "forever", "Stats__Timeout")]
    [InlineData("Stats__Timeout", "01:00:00", "Stats__Timeout")]
    [InlineData("Stats__TopDomains", "0", "Stats__TopDomains")]
    [InlineData("Stats__Runner", "kubernetes", "Kubernetes__Namespace")]
    public async Task BadConfiguration_Exits2_NamingTheKey(string key, string value, string named)
    {
        var tool = StatsEnvironment.Tool("postqueue", $"touch {Path.GetTempPath()}stats-config-ran; exit 0");
        var environment = new Dictionary<string, string> { ["Stats__PostqueuePath"] = tool, [key] = value };

        var run = await WorkerProcess.RunAsync("mailserver-stats", environment);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(named, Assert.Single(run.Lines, l => l.Contains("configuration invalid", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists($"{Path.GetTempPath()}stats-config-ran"), "a command ran before the configuration was valid");
    }
}
