using Prometheus;

namespace MailserverWorkers.SpamRetention;

/// <summary>What one run did, for the metrics and the closing lines of the job log.</summary>
public sealed record RetentionSummary(int Scanned, int AutoDeleted, int HumanDeleted, int Kept, int Errors, long FreedBytes);

/// <summary>
/// One run's own metrics (job <c>spam-retention</c>), gauges of this run's figures; the host adds the standard ones.
/// A dry run goes to its own group (<c>dry_run="true"</c>), so it never overwrites a real run's figures nor its last
/// success.
/// </summary>
public static class RetentionMetrics
{
    public const string DefaultJob = "spam-retention";

    public const string Prefix = "spam_retention";

    public static IReadOnlyDictionary<string, string>? GroupLabels(bool dryRun) =>
        dryRun ? new Dictionary<string, string> { ["dry_run"] = "true" } : null;

    public static CollectorRegistry Build(RetentionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.CreateGauge("spam_retention_scanned_messages", "Messages read by the last run.").Set(summary.Scanned);
        factory.CreateGauge("spam_retention_auto_deleted_messages", "Automated messages the last run deleted (or, in a dry run, would have).").Set(summary.AutoDeleted);
        factory.CreateGauge("spam_retention_human_deleted_messages", "Other messages the last run deleted (or would have).").Set(summary.HumanDeleted);
        factory.CreateGauge("spam_retention_kept_messages", "Messages the last run kept.").Set(summary.Kept);
        factory.CreateGauge("spam_retention_errors", "Messages the last run could not read (kept), plus a failure of the run itself.").Set(summary.Errors);
        factory.CreateGauge("spam_retention_freed_bytes", "Bytes of the messages the last run deleted.").Set(summary.FreedBytes);
        return registry;
    }
}
