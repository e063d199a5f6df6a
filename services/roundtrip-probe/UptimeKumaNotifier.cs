using System.Globalization;
using MailserverWorkers.Shared.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// Sends the Uptime Kuma push monitor a heartbeat: <c>status=up</c> with the round-trip time as <c>ping</c> (ms), or
/// <c>status=down</c> naming the failed stage, so the monitor turns red at once rather than when its heartbeat window
/// runs out. A heartbeat is idempotent, so it is retried. The push URL's token is never logged.
/// Keep in sync with https://github.com/louislam/uptime-kuma/blob/2.0.2/server/routers/api-router.js
/// </summary>
public sealed class UptimeKumaNotifier(HttpClient http, IOptions<UptimeKumaOptions> options, TimeProvider time, ILogger<UptimeKumaNotifier> logger)
{
    private const int MaxMessageLength = 250;
    private const long MaxPingMilliseconds = 86_400_000;

    public async Task<DeliveryResult> NotifyAsync(RoundtripResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var settings = options.Value;
        if (settings.PushUrl is null)
        {
            logger.LogInformation("UptimeKuma__PushUrl is not set: no heartbeat sent");
            return DeliveryResult.NotConfigured;
        }

        var url = HeartbeatUrl(settings.PushUrl, result);
        return await new RetriedHttpDelivery(http, time, logger).SendAsync(
            $"Uptime Kuma heartbeat ({Status(result)})",
            Shared.Http.UrlRedaction.Redact(settings.PushUrl, hideLastSegment: true),
            () => new HttpRequestMessage(HttpMethod.Get, url),
            settings,
            cancellationToken);
    }

    /// <summary>The push URL with its query replaced by status, msg and ping.</summary>
    public static Uri HeartbeatUrl(Uri pushUrl, RoundtripResult result)
    {
        ArgumentNullException.ThrowIfNull(pushUrl);
        ArgumentNullException.ThrowIfNull(result);
        var ping = Math.Clamp((long)Math.Round(result.Duration.TotalMilliseconds), 0, MaxPingMilliseconds);
        var query = string.Create(CultureInfo.InvariantCulture,
            $"status={Status(result)}&msg={Uri.EscapeDataString(Message(result))}&ping={ping}");
        return new UriBuilder(pushUrl) { Query = query }.Uri;
    }

    private static string Status(RoundtripResult result) => result.Outcome == RoundtripOutcome.Inbox ? "up" : "down";

    private static string Message(RoundtripResult result)
    {
        var text = result.Outcome switch
        {
            RoundtripOutcome.Inbox => string.Create(CultureInfo.InvariantCulture, $"OK: in INBOX after {result.Duration.TotalSeconds:0.0}s"),
            RoundtripOutcome.Junk => string.Create(CultureInfo.InvariantCulture,
                $"delivered to {result.Mail?.Folder ?? "Junk"}: classified as spam{(result.SpamScore is { } s ? $" (score {s:0.##})" : "")}"),
            _ => $"{result.FailedStage?.Label() ?? "run"} failed: {result.Error}",
        };
        return text.Length > MaxMessageLength ? text[..MaxMessageLength] : text;
    }
}
