using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// <c>backup-runner run</c>: one snapshot of every source, built in <c>&lt;week&gt;.partial</c> with rsync
/// <c>--link-dest</c> against the newest completed snapshot, promoted by rename only when every source copied,
/// then retention; the host reports the outcome.
/// </summary>
public sealed class SnapshotRun(
    Rsync rsync,
    HookCommand hooks,
    IOptions<BackupOptions> options,
    TimeProvider time,
    ILogger<SnapshotRun> logger)
{
    /// <summary>Exit code when another run holds the destination's lock (nothing was done).</summary>
    public const int Locked = 3;

    public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var destination = settings.Destination!;
        if (!Directory.Exists(destination))
        {
            // Never created here: a missing NFS mount must fail the run, not fill the container's own disk.
            logger.LogError("Backup__Destination {Destination} does not exist (is the volume mounted?)", destination);
            return Outcome(BackupSummary.Failed(startedAt, time.GetElapsedTime(started), 0, $"Backup__Destination {destination} does not exist"));
        }

        DestinationLock? destinationLock;
        string? holder;
        try
        {
            (destinationLock, holder) = DestinationLock.TryAcquire(destination, exclusive: true, time);
        }
        catch (IOException e)
        {
            // A read-only or unwritable destination: nothing can be backed up there.
            logger.LogError("The backup failed: {Error}", e.Message);
            return Outcome(BackupSummary.Failed(startedAt, time.GetElapsedTime(started), 0, e.Message));
        }

        if (destinationLock is null)
        {
            logger.LogError("Another run holds {Lock} ({Holder}); this run did nothing", Path.Join(destination, DestinationLock.FileName), holder);
            return new WorkerOutcome(Locked, "another run holds the destination's lock; nothing was done");
        }

        using (destinationLock)
        {
            var store = SnapshotStore.For(settings, logger);
            BackupSummary summary;
            try
            {
                store.Recover();
                summary = await SnapshotAsync(store, startedAt, started, cancellationToken);
            }
            catch (Exception e) when (e is BackupFailedException or IOException or UnauthorizedAccessException)
            {
                logger.LogError("The backup failed: {Error}. No snapshot was promoted and none was deleted", e.Message);
                summary = BackupSummary.Failed(startedAt, time.GetElapsedTime(started), SafeCount(store), e.Message);
            }

            return Outcome(summary);
        }
    }

    private async Task<BackupSummary> SnapshotAsync(SnapshotStore store, DateTimeOffset startedAt, long started, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var sources = settings.OrderedSources();
        var previous = store.Newest();
        var snapshotName = settings.SnapshotNaming().NameFor(startedAt);
        CheckClock(snapshotName, startedAt, previous);
        var guard = new SourceGuard(settings);
        var before = CheckSources(sources, previous, cancellationToken);

        var marker = new SnapshotMarker { Name = settings.Name, StartedAt = startedAt, Sources = settings.Sources };
        if (settings.PreCommand is { Length: > 0 } pre && await hooks.RunAsync("Backup__PreCommand", pre, settings.CommandTimeout, cancellationToken) is { } preFailure)
        {
            throw new BackupFailedException(preFailure);
        }

        string partial;
        bool resumed;
        RsyncStats stats;
        IReadOnlyDictionary<string, SourceFigures> copied;
        int vanished;
        string? failure = null;
        try
        {
            (partial, resumed) = store.PreparePartial(snapshotName, marker);
            var features = DestinationFeatures.Detect(partial, settings.Acls, settings.Xattrs, logger);
            logger.LogInformation(
                "Snapshot {Snapshot} of {Sources} into {Destination}, hard-linking unchanged files to {Previous}",
                snapshotName, string.Join(", ", sources.Select(s => $"{s.Name}={s.Path}")), store.Destination, previous?.Name ?? "nothing (first snapshot)");
            (stats, copied, vanished, failure) = await CopySourcesAsync(sources, partial, previous, before, guard, features, cancellationToken);
        }
        finally
        {
            // The post-command undoes what the pre-command did, so it runs whatever the copy did.
            if (settings.PostCommand is { Length: > 0 } post
                && await hooks.RunAsync("Backup__PostCommand", post, settings.CommandTimeout, CancellationToken.None) is { } postFailure)
            {
                failure ??= postFailure;
            }
        }

        if (failure is not null)
        {
            throw new BackupFailedException(failure);
        }

        // Again with what rsync really copied: a volume that emptied during the copy is caught here, before promotion.
        foreach (var (name, path) in sources)
        {
            guard.Check(name, path, copied[name], before[name], "during the copy");
        }

        long newBytes;
        if (resumed)
        {
            // rsync counts only what it copied this time; a resumed partial also holds what the killed run copied.
            var previousInodes = previous is null ? null : SnapshotUsage.Measure(previous.Path, null, cancellationToken).Inodes;
            newBytes = SnapshotUsage.Measure(partial, previousInodes, cancellationToken).Usage.NewBytes;
        }
        else
        {
            // Every file of a fresh partial is either a hard link into the previous snapshot or was transferred.
            newBytes = stats.TransferredFileBytes;
        }

        var finished = marker with { FinishedAt = time.GetUtcNow(), Files = stats.RegularFiles, Bytes = stats.TotalFileBytes, NewBytes = newBytes, SourceFigures = copied };
        store.Promote(partial, snapshotName, finished, settings.Sync);
        logger.LogInformation("Snapshot {Snapshot} is complete: {Files} files, {Bytes} bytes, {NewBytes} bytes new", snapshotName, stats.RegularFiles, stats.TotalFileBytes, newBytes);

        // Only after a complete snapshot, and never the newest (Keep >= 1): rsync-time-backup lost its link-dest base this way.
        string? retentionFailure = null;
        try
        {
            var deleted = store.Prune(settings.Keep, snapshotName);
            logger.LogInformation("{Count} snapshots kept ({Pruned} deleted)", store.Completed().Count, deleted.Count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The snapshot stands, but the destination will fill up: the run fails so that someone looks.
            logger.LogError("Snapshot {Snapshot} is complete, but retention failed: {Error}", snapshotName, e.Message);
            retentionFailure = $"snapshot {snapshotName} is complete, but retention failed: {e.Message}";
        }

        var snapshots = store.Completed().Count;
        return new BackupSummary(
            startedAt, time.GetElapsedTime(started), retentionFailure is null, stats.TransferredFileBytes, stats.LiteralBytes + stats.MatchedBytes,
            stats.TotalFileBytes, newBytes, stats.RegularFiles, vanished, snapshots, retentionFailure, snapshotName, previous?.Marker?.Files, previous?.Marker?.Bytes);
    }

    /// <summary>
    /// A run whose clock is behind the newest snapshot (its finish time, or its week name) refuses: it would replace an
    /// old week's snapshot with today's data, or rotate away what a run with a wrong clock made. Nothing is touched.
    /// </summary>
    private static void CheckClock(string snapshotName, DateTimeOffset now, Snapshot? newest)
    {
        if (newest?.Marker?.FinishedAt is { } finished && now < finished)
        {
            throw new BackupFailedException(
                $"this run's clock says {now:yyyy-MM-ddTHH:mm:ssZ}, before the newest snapshot {newest.Name} finished ({finished:yyyy-MM-ddTHH:mm:ssZ}): " +
                "is the clock wrong, now or then? Nothing was copied, replaced or deleted (move a snapshot made by a wrong clock away by hand)");
        }

        if (newest is not null && string.CompareOrdinal(snapshotName, newest.Name) < 0)
        {
            throw new BackupFailedException(
                $"this run's snapshot {snapshotName} ({now:yyyy-MM-ddTHH:mm:ssZ}) would sort before the newest one, {newest.Name}: is the clock wrong, now or then? " +
                "Nothing was copied, replaced or deleted");
        }
    }

    /// <summary>
    /// Every source must be there, apart from the destination by its real path, before anything is copied: a snapshot
    /// is all of them or nothing. Returns what the newest snapshot holds of each, for the guard.
    /// </summary>
    private Dictionary<string, (string Snapshot, SourceFigures Figures)?> CheckSources(
        IReadOnlyList<(string Name, string Path)> sources, Snapshot? previous, CancellationToken cancellationToken)
    {
        var destination = RealFolder(options.Value.Destination!);
        var before = new Dictionary<string, (string Snapshot, SourceFigures Figures)?>(StringComparer.Ordinal);
        foreach (var (name, path) in sources)
        {
            if (!Directory.Exists(path))
            {
                throw new BackupFailedException($"source {name} ({path}) does not exist or is not a folder");
            }

            // Checked at start on the text of the paths; here through every link and mount on the way.
            var real = RealFolder(path);
            if (real.StartsWith(destination, StringComparison.Ordinal) || destination.StartsWith(real, StringComparison.Ordinal))
            {
                throw new BackupFailedException($"source {name} ({path}, really {real}) and Backup__Destination ({destination}) contain one another: the backups would copy themselves");
            }

            before[name] = SourceGuard.Before(previous, name, cancellationToken);
        }

        return before;
    }

    private static string RealFolder(string path) => NativeFileSystem.RealPath(path).TrimEnd('/') + "/";

    private async Task<(RsyncStats Stats, IReadOnlyDictionary<string, SourceFigures> Copied, int Vanished, string? Failure)> CopySourcesAsync(
        IReadOnlyList<(string Name, string Path)> sources, string partial, Snapshot? previous, Dictionary<string, (string Snapshot, SourceFigures Figures)?> before,
        SourceGuard guard, DestinationFeatures features, CancellationToken cancellationToken)
    {
        var stats = RsyncStats.Zero;
        var copied = new Dictionary<string, SourceFigures>(StringComparer.Ordinal);
        var vanished = 0;
        foreach (var (name, path) in sources)
        {
            var (sourceStats, sourceVanished, error) = await CopySourceAsync(name, path, partial, previous, before[name], guard, features, cancellationToken);
            stats = stats.Add(sourceStats);
            copied[name] = new SourceFigures(sourceStats.RegularFiles, sourceStats.TotalFileBytes);
            vanished += sourceVanished;
            if (error is not null)
            {
                return (stats, copied, vanished, $"source {name}: {error}");
            }
        }

        return (stats, copied, vanished, null);
    }

    private async Task<(RsyncStats Stats, int Vanished, string? Error)> CopySourceAsync(
        string name, string path, string partial, Snapshot? previous, (string Snapshot, SourceFigures Figures)? before, SourceGuard guard,
        DestinationFeatures features, CancellationToken cancellationToken)
    {
        var arguments = rsync.CommonArguments(features.Acls, features.Xattrs).ToList();
        arguments.Add("--delete");
        var linkDest = previous is null ? null : Path.Join(previous.Path, name);
        var linking = linkDest is not null && Directory.Exists(linkDest);
        if (linking)
        {
            arguments.Add("--link-dest=" + linkDest);
        }

        // One walk, right before this source's copy: the guard's count and the Maildir-aware links. Where the newest
        // snapshot holds nothing of the source (a first snapshot) there is nothing to lose and nothing to link.
        if (before is not null || linking)
        {
            var relink = linking && options.Value.MaildirAware != AutoSwitch.False;
            var walk = new SourceWalk(path, relink ? linkDest : null, Path.Join(partial, name));
            guard.Check(name, path, walk.Run(cancellationToken), before, "before the copy");
            if (relink)
            {
                logger.Log(
                    walk.Folders == 0 && options.Value.MaildirAware == AutoSwitch.True ? LogLevel.Warning : LogLevel.Information,
                    "{Source}: {Files} renamed or moved Maildir messages ({Bytes} bytes) linked from {Previous}, in {Folders} Maildir folders",
                    name, walk.LinkedFiles, walk.LinkedBytes, previous!.Name, walk.Folders);
            }
        }

        arguments.Add(path.TrimEnd('/') + "/");
        arguments.Add(Path.Join(partial, name) + "/");
        logger.LogInformation("Copying {Source} ({Path})", name, path);
        var result = await rsync.RunAsync(name, arguments, cancellationToken);
        if (!result.Succeeded)
        {
            return (result.Stats, result.Vanished, result.Error);
        }

        var vanished = result.Vanished;
        if (result.ExitCode == Rsync.VanishedExitCode)
        {
            // In a maildir a vanished file was usually moved (new/ to cur/, a flag rename) into a folder rsync had
            // already listed; one more pass, which copies only what changed, picks it up at its new name.
            logger.LogInformation("{Source}: a second pass for files moved during the first", name);
            var second = await rsync.RunAsync(name, arguments, cancellationToken);
            if (!second.Succeeded)
            {
                return (second.Stats, vanished + second.Vanished, second.Error);
            }

            // The second pass's stats describe the finished copy; its transfers add to the first pass's.
            return (second.Stats with
            {
                TransferredFileBytes = result.Stats.TransferredFileBytes + second.Stats.TransferredFileBytes,
                TransferredFiles = result.Stats.TransferredFiles + second.Stats.TransferredFiles,
                LiteralBytes = result.Stats.LiteralBytes + second.Stats.LiteralBytes,
                MatchedBytes = result.Stats.MatchedBytes + second.Stats.MatchedBytes,
            }, vanished + second.Vanished, null);
        }

        return (result.Stats, vanished, null);
    }

    private static int SafeCount(SnapshotStore store)
    {
        try
        {
            return store.Completed().Count;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The run's outcome for the host to report: metrics in the group <c>&lt;Backup__Name&gt;-backup</c>, the heartbeat with the snapshot's figures.</summary>
    private WorkerOutcome Outcome(BackupSummary summary)
    {
        var heartbeat = summary.Heartbeat();
        return new WorkerOutcome(summary.Succeeded ? ExitCodes.Success : ExitCodes.Failure, heartbeat.Message)
        {
            Metrics = BackupMetrics.Build(summary),
            Job = BackupMetrics.JobName(options.Value.Name),
            Heartbeat = heartbeat,
        };
    }
}
