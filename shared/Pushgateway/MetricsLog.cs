using System.Text;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace MailserverWorkers.Shared.Pushgateway;

/// <summary>
/// Writes a run's metrics to its log, one sample a line, as the exposition text has them: the log says what the run
/// pushed even when no Pushgateway is configured or the push fails.
/// </summary>
public static class MetricsLog
{
    /// <summary>Logs every sample of <paramref name="registry"/> (not the # HELP and # TYPE lines), each after <paramref name="prefix"/>.</summary>
    public static async Task LogSamplesAsync(this CollectorRegistry registry, ILogger logger, CancellationToken cancellationToken, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text, cancellationToken);
        foreach (var line in Encoding.UTF8.GetString(text.ToArray()).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            logger.LogInformation("{Mode}{Metric}", prefix, line);
        }
    }
}
