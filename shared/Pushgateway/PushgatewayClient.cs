using System.Net.Http.Headers;
using System.Text;
using MailserverWorkers.Shared.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace MailserverWorkers.Shared.Pushgateway;

/// <summary>
/// Pushes one run's metrics once, at the end of the run. The body is prometheus-net's own text exposition of a
/// registry made for this run (prometheus-net's MetricPusher pushes in a loop and swallows failures: not for a
/// CronJob). The method is POST: it replaces only the metrics of the same name in the group, so a metric a run
/// leaves out, such as a last-success timestamp after a failed run, keeps the value an earlier run pushed.
/// PUT would replace the whole group and erase it.
/// </summary>
public sealed class PushgatewayClient(HttpClient http, IOptions<PushgatewayOptions> options, TimeProvider time, ILogger<PushgatewayClient> logger)
{
    private const string ExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Pushes every metric in <paramref name="registry"/> to the group of <paramref name="defaultJob"/> (or
    /// <c>Pushgateway__Job</c>), the configured labels and <paramref name="extraLabels"/> (a dry run's own group).
    /// </summary>
    public async Task<DeliveryResult> PushAsync(
        CollectorRegistry registry,
        string defaultJob,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? extraLabels = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var settings = options.Value;
        if (settings.Url is null)
        {
            logger.LogInformation("Pushgateway__Url is not set: metrics are not pushed");
            return DeliveryResult.NotConfigured;
        }

        using var body = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(body, cancellationToken);
        var payload = body.ToArray();
        var url = PushgatewayUrl.For(settings.Url, settings.Job ?? defaultJob, settings.Labels.Concat(extraLabels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal));
        var authorization = Authorization(settings);
        var delivery = new RetriedHttpDelivery(http, time, logger);
        return await delivery.SendAsync(
            "Pushgateway push",
            url.AbsoluteUri,
            () =>
            {
                var content = new ByteArrayContent(payload);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(ExpositionContentType);
                return new HttpRequestMessage(HttpMethod.Post, url) { Content = content, Headers = { Authorization = authorization } };
            },
            settings,
            cancellationToken);
    }

    private static AuthenticationHeaderValue? Authorization(PushgatewayOptions settings)
    {
        if (!string.IsNullOrEmpty(settings.BearerToken))
        {
            return new AuthenticationHeaderValue("Bearer", settings.BearerToken);
        }

        var userInfo = settings.Url!.UserInfo;
        var (user, password) = !string.IsNullOrEmpty(settings.Username)
            ? (settings.Username, settings.Password ?? "")
            : userInfo.Length > 0
                ? (Uri.UnescapeDataString(userInfo.Split(':', 2)[0]), Uri.UnescapeDataString(userInfo.Split(':', 2).ElementAtOrDefault(1) ?? ""))
                : (null, null);
        return user is null ? null : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }
}
