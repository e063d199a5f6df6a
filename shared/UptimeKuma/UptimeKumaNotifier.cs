using System.Globalization;
using MailserverWorkers.Shared.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.UptimeKuma;

/// <summary>
/// Sends an Uptime Kuma push monitor a worker's heartbeat: <c>status=up</c> with the run's time as <c>ping</c> (ms), or
/// <c>status=down</c> naming what failed, so the monitor turns red at once rather than when its heartbeat window runs
/// out. A heartbeat is idempotent, so it is retried. The push URL's token is never logged.
/// Keep in sync with https://github.com/louislam/uptime-kuma/blob/2.0.2/server/routers/api-router.js
/// </summary>
public sealed class UptimeKumaNotifier(HttpClient http, IOptions<UptimeKumaOptions> options, TimeProvider time, ILogger<UptimeKumaNotifier> logger)
{
    private const int MaxMessageLength = 250;
    private const long MaxPingMilliseconds = 86_400_000;

    /// <summary>Sends <paramref name="heartbeat"/>, or nothing when <c>UptimeKuma__PushUrl</c> is not set.</summary>
    public async Task<DeliveryResult> NotifyAsync(Heartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var settings = options.Value;
        if (settings.PushUrl is null)
        {
            logger.LogInformation("UptimeKuma__PushUrl is not set: no heartbeat sent");
            return DeliveryResult.NotConfigured;
        }

        var url = HeartbeatUrl(settings.PushUrl, heartbeat);
        return await new RetriedHttpDelivery(http, time, logger).SendAsync(
            $"Uptime Kuma heartbeat ({Status(heartbeat)})",
            UrlRedaction.Redact(settings.PushUrl, hideLastSegment: true),
            () => new HttpRequestMessage(HttpMethod.Get, url),
            settings,
            cancellationToken);
    }

    /// <summary>The push URL with its query replaced by status, msg (at most 250 characters) and ping (within Kuma's range).</summary>
    public static Uri HeartbeatUrl(Uri pushUrl, Heartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(pushUrl);
        ArgumentNullException.ThrowIfNull(heartbeat);
        var ping = Math.Clamp((long)Math.Round(heartbeat.Took.TotalMilliseconds), 0, MaxPingMilliseconds);
        var message = heartbeat.Message.Length > MaxMessageLength ? heartbeat.Message[..MaxMessageLength] : heartbeat.Message;
        var query = string.Create(CultureInfo.InvariantCulture, $"status={Status(heartbeat)}&msg={Uri.EscapeDataString(message)}&ping={ping}");
        return new UriBuilder(pushUrl) { Query = query }.Uri;
    }

    private static string Status(Heartbeat heartbeat) => heartbeat.Up ? "up" : "down";
}
