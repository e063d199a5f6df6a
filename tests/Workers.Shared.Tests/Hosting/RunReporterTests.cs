using System.Text;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Shared.UptimeKuma;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MailserverWorkers.Shared.Tests.Hosting;

/// <summary>The one end of every worker's run: standard metrics, the push, the heartbeat, the exit code.</summary>
public sealed class RunReporterTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly WorkerDefinition Worker = new("test-worker", "a test", "", "test_worker", "test-worker", []);

    private static async Task<string> ExpositionAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static WorkerOutcome Outcome(int code, bool dryRun = false) => new(code, "status line") { Metrics = Metrics.NewCustomRegistry(), DryRun = dryRun };

    [Fact]
    public async Task ASuccess_IsStamped_WithTheStandardMetrics_ItsEndAsTheLastSuccess()
    {
        var outcome = Outcome(0);

        StandardMetrics.Stamp(outcome, "test_worker", Started, TimeSpan.FromSeconds(2.5));

        var text = await ExpositionAsync(outcome.Metrics!);
        Assert.Contains("test_worker_last_run_timestamp_seconds 1795600800\n", text, StringComparison.Ordinal);
        Assert.Contains("test_worker_last_run_success 1\n", text, StringComparison.Ordinal);
        Assert.Contains("test_worker_last_run_exit_code 0\n", text, StringComparison.Ordinal);
        Assert.Contains("test_worker_duration_seconds 2.5\n", text, StringComparison.Ordinal);
        Assert.Contains("test_worker_last_success_timestamp_seconds 1795600802.5\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(0, true)]
    public async Task AFailureOrADryRun_LeavesTheLastSuccessAlone(int code, bool dryRun)
    {
        var outcome = Outcome(code, dryRun);

        StandardMetrics.Stamp(outcome, "test_worker", Started, TimeSpan.FromSeconds(1));

        var text = await ExpositionAsync(outcome.Metrics!);
        Assert.DoesNotContain("last_success", text, StringComparison.Ordinal);
        Assert.Contains($"test_worker_last_run_exit_code {code}\n", text, StringComparison.Ordinal);
        Assert.Contains($"test_worker_last_run_success {(code == 0 ? 1 : 0)}\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "none", "none", 0)]
    [InlineData(0, "failed", "none", 1)]
    [InlineData(0, "failed", "failed", 1)]
    [InlineData(0, "failed", "delivered", 0)]
    [InlineData(0, "delivered", "failed", 0)]
    [InlineData(3, "failed", "failed", 3)]
    [InlineData(1, "delivered", "delivered", 1)]
    public async Task ARunThatDidItsWork_ButReachedNoOne_Exits1(int code, string push, string kuma, int expected)
    {
        await using var kumaStandIn = await UptimeKumaStandIn.StartAsync();
        // Port 9 (discard) on loopback refuses: a report that fails at once, without retries.
        var refused = new Uri("http://127.0.0.1:9/");
        var pushUrl = push switch { "none" => null, "failed" => refused, _ => MailStack.Instance.PushgatewayUrl };
        var heartbeatUrl = kuma switch { "none" => null, "failed" => new Uri(refused, "/api/push/x?status=up"), _ => kumaStandIn.PushUrl };
        using var http = new HttpClient();
        var reporter = new RunReporter(
            Worker,
            new PushgatewayClient(http, Options.Create(new PushgatewayOptions { Url = pushUrl, Attempts = 1, Labels = { ["instance"] = "run-reporter-test" } }), TimeProvider.System, NullLogger<PushgatewayClient>.Instance),
            new UptimeKumaNotifier(http, Options.Create(new UptimeKumaOptions { PushUrl = heartbeatUrl, Attempts = 1 }), TimeProvider.System, NullLogger<UptimeKumaNotifier>.Instance),
            NullLogger<RunReporter>.Instance);

        var exit = await reporter.ReportAsync(Outcome(code), Started, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(expected, exit);
        Assert.Equal(kuma == "delivered" ? 1 : 0, kumaStandIn.Heartbeats.Count);
    }

    [Fact]
    public async Task ACommandWithoutMetrics_ReportsNothing_AndKeepsItsCode()
    {
        using var http = new HttpClient();
        var reporter = new RunReporter(
            Worker,
            new PushgatewayClient(http, Options.Create(new PushgatewayOptions { Url = new Uri("http://127.0.0.1:9/"), Attempts = 1 }), TimeProvider.System, NullLogger<PushgatewayClient>.Instance),
            new UptimeKumaNotifier(http, Options.Create(new UptimeKumaOptions()), TimeProvider.System, NullLogger<UptimeKumaNotifier>.Instance),
            NullLogger<RunReporter>.Instance);

        Assert.Equal(0, await reporter.ReportAsync(new WorkerOutcome(0, "listed"), Started, TimeSpan.Zero, CancellationToken.None));
    }
}
