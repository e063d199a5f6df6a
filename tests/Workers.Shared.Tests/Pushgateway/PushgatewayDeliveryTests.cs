using System.Text;
using MailserverWorkers.Shared.Http;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MailserverWorkers.Shared.Tests.Pushgateway;

/// <summary>What README promises of a push that meets a busy or guarded gateway: which answers are retried, the limit of one attempt, and the credentials sent.</summary>
public sealed class PushgatewayDeliveryTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private readonly RecordingLogger<PushgatewayClient> logger = new();
    private PushgatewayFrontStandIn gateway = null!;

    public async Task InitializeAsync() => gateway = await PushgatewayFrontStandIn.StartAsync();

    public async Task DisposeAsync() => await gateway.DisposeAsync();

    private PushgatewayClient Client(Action<PushgatewayOptions>? configure = null, Uri? url = null)
    {
        var options = new PushgatewayOptions
        {
            Url = url ?? gateway.BaseUrl,
            Attempts = 3,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            AttemptTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        return new PushgatewayClient(Http, Options.Create(options), TimeProvider.System, logger);
    }

    private static CollectorRegistry Registry()
    {
        var registry = Metrics.NewCustomRegistry();
        Metrics.WithCustomRegistry(registry).CreateGauge("shared_test_delivery", "test gauge").Set(1);
        return registry;
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(429)]
    public async Task ABusyGateway_IsRetried_UntilItTakesThePush(int status)
    {
        gateway.Script.Enqueue(status);
        gateway.Script.Enqueue(status);

        var result = await Client().PushAsync(Registry(), "shared-test", CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(3, result.Attempts);
        Assert.Equal(3, gateway.Requests.Count);
        var warnings = logger.Inner.Lines(LogLevel.Warning).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Contains($"failed: HTTP {status} ", w, StringComparison.Ordinal));
        Assert.Empty(logger.Inner.Lines(LogLevel.Error));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task ARefusal_IsFinal_AtTheFirstAttempt(int status)
    {
        gateway.Script.Enqueue(status);

        var result = await Client().PushAsync(Registry(), "shared-test", CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.Attempts);
        Assert.Single(gateway.Requests);
        Assert.Contains($"failed after 1 attempt(s): HTTP {status} ", Assert.Single(logger.Inner.Lines(LogLevel.Error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAttemptThatHangs_EndsAtAttemptTimeout_AndIsRetried()
    {
        gateway.Script.Enqueue(0);

        var result = await Client(o => o.AttemptTimeout = TimeSpan.FromMilliseconds(500)).PushAsync(Registry(), "shared-test", CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(2, result.Attempts);
        Assert.StartsWith("Pushgateway push attempt 1/3 failed: no answer within 0.5s", Assert.Single(logger.Inner.Lines(LogLevel.Warning)));
    }

    [Fact]
    public async Task Credentials_GoAsBasicAuth_FromTheKeysOrTheUrl_OrAsABearerToken()
    {
        static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        var withUserInfo = new Uri($"http://urluser:url%3Asecret@{gateway.BaseUrl.Authority}/");

        await Client(o => (o.Username, o.Password) = ("pushuser", "pa:ss wörd")).PushAsync(Registry(), "shared-test", CancellationToken.None);
        await Client(url: withUserInfo).PushAsync(Registry(), "shared-test", CancellationToken.None);
        await Client(o => o.BearerToken = "t0ken").PushAsync(Registry(), "shared-test", CancellationToken.None);
        await Client().PushAsync(Registry(), "shared-test", CancellationToken.None);

        var sent = gateway.Requests.Select(r => r.Authorization).ToList();
        Assert.Equal([Basic("pushuser", "pa:ss wörd"), Basic("urluser", "url:secret"), "Bearer t0ken", null], sent);
        // The user info is never part of the path pushed to.
        Assert.All(gateway.Requests, r => Assert.Equal("/metrics/job/shared-test", r.Path));
        Assert.DoesNotContain(logger.Inner.Entries, e => e.Message.Contains("secret", StringComparison.Ordinal) || e.Message.Contains("t0ken", StringComparison.Ordinal));
    }
}
