using System.Globalization;
using MailserverWorkers.Shared.UptimeKuma;
using Prometheus;

namespace MailserverWorkers.BackupRunner;

/// <summary>What one run did, for the metrics and the closing lines of the log.</summary>
public sealed record BackupSummary(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    bool Succeeded,
    long ReadBytes,
    long WrittenBytes,
    long OutputBytes,
    long NewBytes,
    long Files,
    int Vanished,
    int Snapshots,
    string? Failure = null,
    string? Snapshot = null,
    long? PreviousFiles = null,
    long? PreviousBytes = null)
{
    public static BackupSummary Failed(DateTimeOffset startedAt, TimeSpan duration, int snapshots, string failure) =>
        new(startedAt, duration, false, 0, 0, 0, 0, 0, 0, snapshots, failure);

    /// <summary>The Uptime Kuma heartbeat: up with the snapshot's figures, down with what failed.</summary>
    public Heartbeat Heartbeat() => Succeeded
        ? new Heartbeat(true, string.Create(CultureInfo.InvariantCulture, $"snapshot {Snapshot} complete: {Files} files, {OutputBytes} bytes, {NewBytes} bytes new, {Snapshots} kept"), Duration)
        : new Heartbeat(false, $"backup failed: {Failure}", Duration);
}

/// <summary>
/// One run's own metrics, job <c>&lt;Backup__Name&gt;-backup</c>; the host adds the standard ones
/// (<c>backup_last_run_success</c>, <c>backup_duration_seconds</c>, the timestamps).
/// </summary>
public static class BackupMetrics
{
    public const string Prefix = "backup";

    public static string JobName(string name) => name + "-backup";

    public static CollectorRegistry Build(BackupSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        factory.CreateGauge("backup_read_bytes", "Bytes of file content read from the sources (new and changed files; unchanged ones are only compared).").Set(summary.ReadBytes);
        factory.CreateGauge("backup_written_bytes", "Bytes of file content written into the snapshot.").Set(summary.WrittenBytes);
        factory.CreateGauge("backup_output_bytes", "Size of the snapshot: apparent bytes of all its files.").Set(summary.OutputBytes);
        factory.CreateGauge("backup_new_bytes", "Bytes of the snapshot not shared (hard-linked) with the previous snapshot.").Set(summary.NewBytes);
        factory.CreateGauge("backup_files", "Regular files in the snapshot.").Set(summary.Files);
        factory.CreateGauge("backup_vanished_files", "Files that vanished while rsync copied (rsync's exit 24; normal on a live maildir).").Set(summary.Vanished);
        factory.CreateGauge("backup_snapshots", "Completed snapshots in the destination after the run.").Set(summary.Snapshots);
        if (summary.Succeeded && summary.PreviousFiles is { } previousFiles && summary.PreviousBytes is { } previousBytes)
        {
            // Beside this snapshot's figures, for the alert on a sharp drop below what the shrink guard refuses.
            factory.CreateGauge("backup_previous_snapshot_files", "Regular files in the snapshot before this one.").Set(previousFiles);
            factory.CreateGauge("backup_previous_snapshot_bytes", "Apparent bytes of the files of the snapshot before this one.").Set(previousBytes);
        }

        return registry;
    }
}
