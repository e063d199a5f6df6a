using Prometheus;

namespace MailserverWorkers.SpamRetention;

/// <summary>What one run did, for the metrics and the closing lines of the job log.</summary>
public sealed record RetentionSummary(
    int Scanned, int AutoDeleted, int HumanDeleted, int Kept, int Errors, long FreedBytes, TimeSpan Duration, DateTimeOffset StartedAt, bool Succeeded);

/// <summary>
/// One run's metrics (job <c>spam-retention</c>). A dry run goes to its own group (<c>dry_run="true"</c>), so it
/// never overwrites a real run's figures nor its last success.
/// </summary>
public static class RetentionMetrics
{
    public const string DefaultJob = "spam-retention";

    public static IReadOnlyDictionary<string, string>? GroupLabels(bool dryRun) =>
        dryRun ? new Dictionary<string, string> { ["dry_run"] = "true" } : null;

    public static CollectorRegistry Build(RetentionSummary summary, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.CreateCounter("spam_retention_scanned_total", "Messages read this run.").Inc(summary.Scanned);
        factory.CreateCounter("spam_retention_auto_deleted_total", "Automated messages deleted (or, in a dry run, that would be).").Inc(summary.AutoDeleted);
        factory.CreateCounter("spam_retention_human_deleted_total", "Other messages deleted (or that would be).").Inc(summary.HumanDeleted);
        factory.CreateCounter("spam_retention_kept_total", "Messages kept.").Inc(summary.Kept);
        factory.CreateCounter("spam_retention_errors_total", "Messages that could not be read (kept), plus failures of the run itself.").Inc(summary.Errors);
        factory.CreateGauge("spam_retention_freed_bytes", "Bytes of the deleted messages.").Set(summary.FreedBytes);
        factory.CreateGauge("spam_retention_duration_seconds", "Duration of the run.").Set(summary.Duration.TotalSeconds);
        if (summary.Succeeded && !dryRun)
        {
            factory.CreateGauge("spam_retention_last_success_timestamp_seconds", "Start of the last run that finished without failing.")
                .Set(summary.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
        }

        return registry;
    }
}
