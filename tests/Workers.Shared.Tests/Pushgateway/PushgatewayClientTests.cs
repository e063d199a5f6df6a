using System.Text.RegularExpressions;
using MailserverWorkers.Shared.Http;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MailserverWorkers.Shared.Tests.Pushgateway;

/// <summary>The client against the real Prometheus Pushgateway of scripts/mailstack.</summary>
public sealed class PushgatewayClientTests : IDisposable
{
    private readonly MailStack stack = MailStack.Instance;
    private readonly HttpClient http = new();
    private readonly RecordingLogger<PushgatewayClient> logger = new();
    private readonly string instance = "shared-test-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => http.Dispose();

    private PushgatewayClient Client(Uri url, int attempts = 3) => new(
        http,
        Options.Create(new PushgatewayOptions
        {
            Url = url,
            Labels = { ["instance"] = instance },
            Attempts = attempts,
            RetryDelay = TimeSpan.FromMilliseconds(50),
            AttemptTimeout = TimeSpan.FromSeconds(5),
        }),
        TimeProvider.System,
        logger);

    private static CollectorRegistry Registry(params (string Name, double Value)[] gauges)
    {
        var registry = Metrics.NewCustomRegistry();
        foreach (var (name, value) in gauges)
        {
            Metrics.WithCustomRegistry(registry).CreateGauge(name, "test gauge").Set(value);
        }

        return registry;
    }

    private async Task<string> GroupTextAsync()
    {
        var text = await http.GetStringAsync(new Uri(stack.PushgatewayUrl, "/metrics"));
        return string.Join('\n', text.Split('\n').Where(l => l.Contains($"instance=\"{instance}\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Push_DeliversTheRegistry_ToTheJobsGroup()
    {
        var result = await Client(stack.PushgatewayUrl).PushAsync(Registry(("shared_test_value", 42)), "shared-test", CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.Contains($"shared_test_value{{instance=\"{instance}\",job=\"shared-test\"}} 42", await GroupTextAsync());
    }

    [Fact]
    public async Task Push_LeavesMetricsTheRunDidNotPush_AsEarlierRunsPushedThem()
    {
        var client = Client(stack.PushgatewayUrl);
        await client.PushAsync(Registry(("shared_test_success", 1), ("shared_test_last_success_timestamp_seconds", 1234)), "shared-test", CancellationToken.None);

        await client.PushAsync(Registry(("shared_test_success", 0)), "shared-test", CancellationToken.None);

        var group = await GroupTextAsync();
        Assert.Contains($"shared_test_success{{instance=\"{instance}\",job=\"shared-test\"}} 0", group);
        Assert.Contains($"shared_test_last_success_timestamp_seconds{{instance=\"{instance}\",job=\"shared-test\"}} 1234", group);
    }

    [Fact]
    public async Task Push_RetriesAnUnreachableGateway_ThreeAttemptsWithBackoff_ThenOneErrorLine()
    {
        var port = LoopbackPorts.Closed();

        var result = await Client(new Uri($"http://user:s3cret@127.0.0.1:{port}")).PushAsync(Registry(("shared_test_x", 1)), "shared-test", CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal(3, result.Attempts);
        var warnings = logger.Inner.Lines(LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Pushgateway push attempt 1/3 failed: Connection refused", warnings[0]);
        Assert.StartsWith("Pushgateway push attempt 2/3 failed: Connection refused", warnings[1]);
        Assert.All(warnings, w => Assert.Matches(@"; retrying in \d+\.\d\ds$", w));
        var error = Assert.Single(logger.Inner.Lines(LogLevel.Error));
        Assert.Equal($"Pushgateway push to http://127.0.0.1:{port}/metrics/job/shared-test/instance/{instance} failed after 3 attempt(s): Connection refused (127.0.0.1:{port})", error);
        Assert.DoesNotContain(logger.Inner.Entries, e => e.Message.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Push_DoesNotRetry_WhenTheGatewayRejectsTheMetrics()
    {
        // The same name as a gauge in one group and a counter in another: the Pushgateway answers 400.
        var name = "shared_test_conflict_" + Guid.NewGuid().ToString("N")[..6];
        await Client(stack.PushgatewayUrl).PushAsync(Registry((name, 1)), "shared-test-a", CancellationToken.None);
        var counter = Metrics.NewCustomRegistry();
        Metrics.WithCustomRegistry(counter).CreateCounter(name, "test gauge").Inc();

        var result = await Client(stack.PushgatewayUrl).PushAsync(counter, "shared-test-b", CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.Empty(logger.Inner.Lines(LogLevel.Warning));
        Assert.Matches(new Regex("failed after 1 attempt\\(s\\): HTTP 400 Bad Request: .*" + name), Assert.Single(logger.Inner.Lines(LogLevel.Error)));
    }

    [Fact]
    public async Task Push_DoesNothing_WithoutAUrl()
    {
        var client = new PushgatewayClient(http, Options.Create(new PushgatewayOptions()), TimeProvider.System, logger);

        Assert.Same(DeliveryResult.NotConfigured, await client.PushAsync(Registry(("x", 1)), "j", CancellationToken.None));
    }
}
