using System.Globalization;
using MailserverWorkers.Testing;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>
/// A target's Concurrency and MinSuccessRatio, seen from the server's side: a loopback SMTP peer (the stack's Postfix
/// cannot be told to refuse every other connection or to count them at once) that greets after a pause, and refuses
/// every second connection with a 554 greeting when asked to.
/// </summary>
public sealed class TargetLimitsTests
{
    private static Dictionary<string, string> Target(int port, int attempts, int concurrency) => new()
    {
        ["Targets__peer__Host"] = "127.0.0.1",
        ["Targets__peer__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Targets__peer__Protocol"] = "smtp",
        ["Targets__peer__Attempts"] = attempts.ToString(CultureInfo.InvariantCulture),
        ["Targets__peer__Concurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
        ["Targets__peer__Timeout"] = "00:00:05",
    };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    public async Task NoMoreConnectionsAtOnceThanConcurrency_AndUpToIt(int concurrency)
    {
        await using var peer = new CountingSmtpPeer(refuseEverySecond: false);

        var run = await WorkerProcess.RunAsync("haproxy-health", Target(peer.Port, attempts: 6, concurrency));

        Assert.True(run.ExitCode == 0, run.ToString());
        // The six timed attempts and the one that warms up before them.
        Assert.Equal(7, peer.Connections);
        Assert.Equal(concurrency, peer.MostAtOnce);
    }

    [Theory]
    [InlineData("0.5", 0)]
    [InlineData("0.75", 1)]
    public async Task MinSuccessRatio_BelowOne_PassesWhatReachesIt_AndFailsWhatDoesNot(string ratio, int exitCode)
    {
        await using var peer = new CountingSmtpPeer(refuseEverySecond: true);
        var environment = Target(peer.Port, attempts: 4, concurrency: 1);
        environment["Targets__peer__MinSuccessRatio"] = ratio;

        var run = await WorkerProcess.RunAsync("haproxy-health", environment);

        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Matches(@"peer \(.*\): 2/4 ok", run.Output);
        Assert.Equal(0.5, run.LoggedMetric("mail_path_probe_success_ratio{target=\"peer\"}"));
        Assert.Equal(exitCode == 1, run.Output.Contains($"FAILED target peer: 2/4 attempts succeeded, below Targets__peer__MinSuccessRatio={ratio}", StringComparison.Ordinal));
    }
}
