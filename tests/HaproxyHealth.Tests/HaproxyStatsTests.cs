using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>HAProxy's own view, read from the real HAProxy's stats socket and stats page.</summary>
[Collection(HaproxyStackCollection.Name)]
public sealed class HaproxyStatsTests
{
    [Fact]
    public async Task TheSocketAndThePage_ReportTheSameServers()
    {
        var options = Options.Create(new HaproxyOptions
        {
            StatsSocket = HaproxyStack.Stack["MAILSTACK_HAPROXY_STATS_SOCKET"],
            StatsUrl = new Uri(HaproxyStack.Stack["MAILSTACK_HAPROXY_STATS_URL"]),
        });
        using var http = new HttpClient();

        var fromSocket = HaproxyServerStatus.ParseCsv(await new HaproxyStatsSocket(options).ReadCsvAsync(CancellationToken.None));
        var fromPage = HaproxyServerStatus.ParseCsv(await new HaproxyStatsPage(http, options).ReadCsvAsync(CancellationToken.None));

        string[] expected = ["imap/dovecot", "imaps/dovecot", "smtp/postfix", "submission/postfix", "submission_broken/postfix", "submissions/postfix"];
        Assert.Equal(expected, fromSocket.Select(s => $"{s.Backend}/{s.Server}").Order(StringComparer.Ordinal));
        Assert.Equal(expected, fromPage.Select(s => $"{s.Backend}/{s.Server}").Order(StringComparer.Ordinal));
        Assert.All(fromSocket.Where(s => s.Backend is "smtp" or "imap"), s => Assert.Equal(("UP", "L4OK"), (s.Status, s.CheckStatus)));
    }

    [Fact]
    public async Task AServerWhoseChecksFail_IsReportedDown_WithItsFailedChecks()
    {
        // The runtime API points imap/dovecot's health checks at a closed port, as a wrong "port <n>" would.
        var closed = Testing.LoopbackPorts.Closed();
        await HaproxyStack.RuntimeApiAsync($"set server imap/dovecot check-port {closed}");
        try
        {
            await HaproxyStack.WaitForStatusAsync("imap", "dovecot", "DOWN");
            var options = Options.Create(new HaproxyOptions { StatsSocket = HaproxyStack.Stack["MAILSTACK_HAPROXY_STATS_SOCKET"] });

            var server = HaproxyServerStatus.ParseCsv(await new HaproxyStatsSocket(options).ReadCsvAsync(CancellationToken.None)).Single(s => s.Backend == "imap");

            Assert.True(server.Down);
            Assert.False(server.Up);
            Assert.Equal("L4CON", server.CheckStatus);
            Assert.True(server.CheckFailures >= 1);
        }
        finally
        {
            await HaproxyStack.RuntimeApiAsync($"set server imap/dovecot check-port {HaproxyStack.Port("MAILSTACK_IMAP_PORT")}");
            await HaproxyStack.WaitForStatusAsync("imap", "dovecot", "UP");
        }
    }
}
