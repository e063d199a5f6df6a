using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MailserverWorkers.Shared.Http;

/// <summary>
/// Sends an idempotent HTTP request under a Polly retry (delays that double, with jitter above the doubled value
/// only: <see cref="BackoffDelay"/>) and a timeout per attempt.
/// Only 2xx counts as delivered. Network errors, timeouts, 408, 429 and 5xx are retried; any other status is final
/// (a 400 from the Pushgateway will not change on a second try). Each retry is one WARN line, the final failure
/// one ERROR line with the display URL the caller gives (credentials removed by the caller).
/// Never use it for the thing being probed: a failed probe is data, not a transient fault.
/// </summary>
public sealed class RetriedHttpDelivery(HttpClient http, TimeProvider time, ILogger logger)
{
    /// <summary>Sends the request <paramref name="createRequest"/> makes (a fresh one per attempt).</summary>
    public async Task<DeliveryResult> SendAsync(
        string what,
        string displayUrl,
        Func<HttpRequestMessage> createRequest,
        IRetriedDeliveryOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createRequest);
        ArgumentNullException.ThrowIfNull(options);
        var attempts = 0;
        var pipeline = BuildPipeline(what, options, () => attempts);
        string? lastError;
        try
        {
            using var response = await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    using var request = createRequest();
                    return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
                },
                cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                logger.LogInformation("{What} delivered to {Url} ({Status}, attempt {Attempt})", what, displayUrl, (int)response.StatusCode, attempts);
                return new DeliveryResult(DeliveryOutcome.Delivered, attempts, null);
            }

            lastError = await DescribeAsync(response, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            lastError = Describe(e, options);
        }

        logger.LogError("{What} to {Url} failed after {Attempts} attempt(s): {Error}", what, displayUrl, attempts, lastError);
        return new DeliveryResult(DeliveryOutcome.Failed, attempts, lastError);
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(string what, IRetriedDeliveryOptions options, Func<int> attempts)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.Attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Attempts - 1,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(BackoffDelay(options.RetryDelay, args.AttemptNumber, Random.Shared.NextDouble())),
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = async args =>
                {
                    var error = args.Outcome.Exception is { } e
                        ? Describe(e, options)
                        : await DescribeAsync(args.Outcome.Result!, CancellationToken.None);
                    logger.LogWarning(
                        "{What} attempt {Attempt}/{Attempts} failed: {Error}; retrying in {Delay:0.00}s",
                        what, attempts(), options.Attempts, error, args.RetryDelay.TotalSeconds);
                    args.Outcome.Result?.Dispose();
                },
            });
        }

        return builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>
    /// The delay before retry <paramref name="retry"/> (0 for the first): <paramref name="baseDelay"/> doubled each
    /// time, plus up to a quarter of it as jitter (<paramref name="unit"/> in [0, 1)), so that each delay is at least the
    /// doubled value and never shorter than the one before (1-1.25 s, 2-2.5 s, 4-5 s for 1 s). Polly's own jittered
    /// exponential backoff is decorrelated and can come out shorter than the previous delay.
    /// </summary>
    public static TimeSpan BackoffDelay(TimeSpan baseDelay, int retry, double unit)
    {
        var doubled = baseDelay * Math.Pow(2, Math.Clamp(retry, 0, 30));
        return doubled + (doubled * (0.25 * Math.Clamp(unit, 0, 1)));
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: not null } => false,
        { Result: { } r } => (int)r.StatusCode >= 500 || r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    private static string Describe(Exception e, IRetriedDeliveryOptions options) => e switch
    {
        TimeoutRejectedException => $"no answer within {options.AttemptTimeout.TotalSeconds:0.###}s",
        HttpRequestException { InnerException: { } inner } when !e.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = "";
        try
        {
            body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The status says enough.
        }

        const int maxBody = 200;
        body = body.Length > maxBody ? body[..maxBody] + "..." : body;
        return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body.ReplaceLineEndings(" ") : "")}";
    }
}
