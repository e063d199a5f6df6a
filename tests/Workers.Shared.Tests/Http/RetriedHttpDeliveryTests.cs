using System.Globalization;
using System.Text.RegularExpressions;
using MailserverWorkers.Shared.Http;
using MailserverWorkers.Testing;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.Shared.Tests.Http;

/// <summary>Retry delays double as the README says: jitter only above the doubled value, never shorter than the one before.</summary>
public sealed class RetriedHttpDeliveryTests
{
    private sealed class Options : IRetriedDeliveryOptions
    {
        public int Attempts { get; set; } = 5;

        public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(40);

        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);
    }

    [Theory]
    [InlineData(0, 0.0, 1.0)]
    [InlineData(0, 0.999999, 1.25)]
    [InlineData(1, 0.0, 2.0)]
    [InlineData(1, 0.5, 2.25)]
    [InlineData(2, 1.0, 5.0)]
    [InlineData(3, 0.0, 8.0)]
    public void BackoffDelay_DoublesTheBase_WithUpToAQuarterMoreAsJitter(int retry, double unit, double seconds) =>
        Assert.Equal(seconds, RetriedHttpDelivery.BackoffDelay(TimeSpan.FromSeconds(1), retry, unit).TotalSeconds, precision: 5);

    [Fact]
    public void BackoffDelay_IsNeverShorterThanTheDelayBefore_WhateverTheJitter()
    {
        var random = new Random(12345);
        for (var run = 0; run < 10_000; run++)
        {
            var previous = TimeSpan.Zero;
            for (var retry = 0; retry < 6; retry++)
            {
                var delay = RetriedHttpDelivery.BackoffDelay(TimeSpan.FromMilliseconds(500), retry, random.NextDouble());
                Assert.True(delay >= previous, $"retry {retry}: {delay} after {previous}");
                previous = delay;
            }
        }
    }

    [Fact]
    public async Task ARefusedConnection_IsRetried_WithTheDocumentedDelays()
    {
        var logger = new RecordingLogger();
        using var http = new HttpClient();
        var url = new Uri($"http://127.0.0.1:{LoopbackPorts.Closed()}/metrics/job/x");
        var options = new Options();

        var result = await new RetriedHttpDelivery(http, TimeProvider.System, logger).SendAsync("push", url.ToString(), () => new HttpRequestMessage(HttpMethod.Post, url), options, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal(5, result.Attempts);
        var delays = logger.Lines(LogLevel.Warning)
            .Select(l => double.Parse(Regex.Match(l, @"retrying in ([0-9.]+)s").Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(4, delays.Count);
        for (var retry = 0; retry < delays.Count; retry++)
        {
            // Logged to the hundredth of a second.
            Assert.InRange(delays[retry], (0.04 * Math.Pow(2, retry)) - 0.005, (0.04 * Math.Pow(2, retry) * 1.25) + 0.005);
        }
    }
}
