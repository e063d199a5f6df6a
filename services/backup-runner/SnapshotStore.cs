using System.IO.Enumeration;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.BackupRunner;

/// <summary>A completed snapshot: its folder name, path and marker (null for an adopted pre-runner backup).</summary>
public sealed record Snapshot(string Name, string Path, SnapshotMarker? Marker);

/// <summary>
/// The destination folder and the snapshots in it. Every folder this runner makes is named
/// <c>&lt;week&gt;[.partial|.superseded|.deleting]</c> and carries the runner's marker; anything else (another
/// runner's snapshots, lost+found, files an operator put there) is foreign and never renamed or deleted.
/// </summary>
/// <remarks>
/// A snapshot is complete exactly when a folder with the bare week name holds a marker with a finish time. Each step
/// that changes what is complete is one rename: a partial becomes complete by rename, a snapshot being replaced or
/// deleted first stops being complete by rename. A crash between any two steps leaves folders that
/// <see cref="Recover"/> puts right.
/// </remarks>
public sealed class SnapshotStore(string destination, SnapshotNaming naming, string runnerName, IReadOnlyCollection<string> sourceNames, bool adoptExisting, ILogger logger)
{
    public const string PartialSuffix = ".partial";
    public const string SupersededSuffix = ".superseded";
    public const string DeletingSuffix = ".deleting";

    private static readonly string[] Suffixes = [PartialSuffix, SupersededSuffix, DeletingSuffix];

    public string Destination => destination;

    /// <summary>The store <paramref name="settings"/> describe.</summary>
    public static SnapshotStore For(BackupOptions settings, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new SnapshotStore(settings.Destination!, settings.SnapshotNaming(), settings.Name, settings.Sources.Keys, settings.AdoptExisting, logger);
    }

    /// <summary>
    /// The completed snapshots, oldest first by the finish time in their markers (adopted ones, without a marker, first,
    /// by name): names come from the wall clock of the run that made them, and a clock a year fast makes a name that
    /// sorts after every real one.
    /// </summary>
    public IReadOnlyList<Snapshot> Completed() => Scan().Completed;

    /// <summary>The newest completed snapshot, or null.</summary>
    public Snapshot? Newest() => Completed() is { Count: > 0 } all ? all[^1] : null;

    /// <summary>Finds <paramref name="name"/> (or the newest for <c>latest</c>); throws naming what exists when it does not.</summary>
    public Snapshot Find(string name)
    {
        var all = Completed();
        var found = name == "latest" ? (all.Count > 0 ? all[^1] : null) : all.FirstOrDefault(s => s.Name == name);
        return found ?? throw new BackupFailedException(
            $"no completed snapshot '{name}' in {destination} (there are: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(s => s.Name)))})");
    }

    /// <summary>Puts right what a killed or failed run left: a replaced snapshot not yet deleted, a deletion not finished.</summary>
    public void Recover()
    {
        var contents = Scan();
        foreach (var (snapshotName, path) in contents.Superseded)
        {
            if (contents.Completed.Any(s => s.Name == snapshotName))
            {
                logger.LogInformation("Deleting {Folder}, replaced by a newer snapshot of the same week", System.IO.Path.GetFileName(path));
                DeleteOwnFolder(path);
            }
            else
            {
                // The run died between the two renames of a replacement: the old snapshot is still the complete one.
                logger.LogWarning("Restoring {Snapshot}: a replacement of it was interrupted", snapshotName);
                Directory.Move(path, System.IO.Path.Join(destination, snapshotName));
            }
        }

        foreach (var path in contents.Deleting)
        {
            logger.LogInformation("Finishing the deletion of {Folder}", System.IO.Path.GetFileName(path));
            DeleteOwnFolder(path);
        }
    }

    /// <summary>
    /// The folder the run copies into, <c>&lt;snapshot&gt;.partial</c>. A partial an earlier run left is reused: rsync
    /// --delete makes it exact, and a long first copy stopped by a deadline goes on where it stopped instead of
    /// starting over. Returns whether it was reused.
    /// </summary>
    public (string Path, bool Resumed) PreparePartial(string snapshotName, SnapshotMarker marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        var partial = System.IO.Path.Join(destination, snapshotName + PartialSuffix);
        var contents = Scan();
        var target = System.IO.Path.Join(destination, snapshotName);
        if (NativeFileSystem.TryStat(target) is not null && !contents.Completed.Any(s => s.Name == snapshotName))
        {
            throw new BackupFailedException($"{target} exists but is not a snapshot of this runner (Backup__Name={runnerName}); move it away or give this runner its own Backup__Destination");
        }

        if (NativeFileSystem.TryStat(partial) is not null && !contents.Partials.Contains(partial))
        {
            throw new BackupFailedException($"{partial} exists but is not this runner's; move it away");
        }

        var stale = contents.Partials.OrderByDescending(p => p, StringComparer.Ordinal).ToList();
        var reused = stale.Contains(partial) ? partial : stale.FirstOrDefault();
        foreach (var other in stale.Where(p => p != reused))
        {
            logger.LogInformation("Deleting the stale {Folder}", System.IO.Path.GetFileName(other));
            DeleteOwnFolder(other);
        }

        if (reused is not null && reused != partial)
        {
            Directory.Move(reused, partial);
        }

        var resumed = reused is not null;
        if (resumed)
        {
            logger.LogInformation("Resuming from {Folder}, left by a run that did not finish", System.IO.Path.GetFileName(partial));
            // Folders of sources no longer configured would otherwise end up in the snapshot.
            foreach (var entry in Entries(partial).Where(e => e != SnapshotMarker.FileName && !sourceNames.Contains(e)))
            {
                DeletePath(System.IO.Path.Join(partial, entry));
            }
        }
        else
        {
            // Only the owner may enter a snapshot: it holds every user's mail and the DKIM key.
            Directory.CreateDirectory(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        marker.WriteTo(partial);
        return (partial, resumed);
    }

    /// <summary>
    /// Makes <paramref name="partial"/> the completed snapshot <paramref name="snapshotName"/>, replacing one of the
    /// same week: marker with the finish time, optionally syncfs, then the renames, then the old copy is deleted.
    /// </summary>
    public void Promote(string partial, string snapshotName, SnapshotMarker finished, bool sync)
    {
        ArgumentNullException.ThrowIfNull(finished);
        finished.WriteTo(partial);
        if (sync)
        {
            NativeFileSystem.SyncFileSystem(partial);
        }

        var target = System.IO.Path.Join(destination, snapshotName);
        var superseded = target + SupersededSuffix;
        var replacing = Directory.Exists(target);
        if (replacing)
        {
            Directory.Move(target, superseded);
        }

        Directory.Move(partial, target);
        NativeFileSystem.SyncFolder(destination);
        if (replacing)
        {
            logger.LogInformation("Replaced this week's earlier snapshot {Snapshot}", snapshotName);
            DeleteOwnFolder(superseded);
        }
    }

    /// <summary>
    /// Deletes the oldest completed snapshots (by finish time) beyond <paramref name="keep"/>; never the newest, and
    /// never <paramref name="madeNow"/>, the snapshot this run just made, whatever the clocks of earlier runs said.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep, string madeNow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var completed = Completed();
        var doomed = completed.Take(Math.Max(0, completed.Count - keep)).Where(s => s.Name != madeNow).ToList();
        foreach (var snapshot in doomed)
        {
            logger.LogInformation("Deleting snapshot {Snapshot} (Backup__Keep={Keep})", snapshot.Name, keep);
            var deleting = snapshot.Path + DeletingSuffix;
            Directory.Move(snapshot.Path, deleting);
            DeleteOwnFolder(deleting);
        }

        return doomed.Select(s => s.Name).ToList();
    }

    /// <summary>What the destination holds, classified. Folders are recognised by name and marker, never followed through links.</summary>
    internal DestinationContents Scan()
    {
        var contents = new DestinationContents();
        foreach (var entry in Entries(destination))
        {
            var path = System.IO.Path.Join(destination, entry);
            if (NativeFileSystem.TryStat(path) is not { IsDirectory: true })
            {
                continue;
            }

            var suffix = Suffixes.FirstOrDefault(s => entry.EndsWith(s, StringComparison.Ordinal)) ?? "";
            var snapshotName = entry[..^suffix.Length];
            if (!naming.Matches(snapshotName))
            {
                continue;
            }

            var marker = SnapshotMarker.TryRead(path);
            var ours = marker is not null ? marker.Name == runnerName : adoptExisting && suffix != PartialSuffix && LooksLikeOldBackup(path);
            if (!ours)
            {
                if (marker is not null)
                {
                    contents.OtherRunners.Add(entry);
                }

                continue;
            }

            switch (suffix)
            {
                case "" when marker is null || marker.FinishedAt is not null:
                    contents.Completed.Add(new Snapshot(snapshotName, path, marker));
                    break;
                case PartialSuffix:
                    contents.Partials.Add(path);
                    break;
                case SupersededSuffix:
                    contents.Superseded.Add((snapshotName, path));
                    break;
                case DeletingSuffix:
                    contents.Deleting.Add(path);
                    break;
            }
        }

        contents.Completed.Sort((a, b) =>
            (a.Marker?.FinishedAt ?? DateTimeOffset.MinValue).CompareTo(b.Marker?.FinishedAt ?? DateTimeOffset.MinValue) is var byTime and not 0
                ? byTime
                : string.CompareOrdinal(a.Name, b.Name));
        return contents;
    }

    /// <summary>A backup the shell CronJob made: nothing in it but folders named like this runner's sources.</summary>
    private bool LooksLikeOldBackup(string path)
    {
        var entries = Entries(path).ToList();
        return entries.Count > 0 && entries.All(e => sourceNames.Contains(e) && NativeFileSystem.TryStat(System.IO.Path.Join(path, e)) is { IsDirectory: true });
    }

    private static FileSystemEnumerable<string> Entries(string folder) =>
        new FileSystemEnumerable<string>(folder, (ref FileSystemEntry e) => e.FileName.ToString(), new EnumerationOptions { AttributesToSkip = 0 });

    /// <summary>Deletes a folder of this runner's, its marker last, so that an interrupted deletion is still recognised as ours.</summary>
    private static void DeleteOwnFolder(string folder)
    {
        MakeWritable(folder);
        foreach (var entry in Entries(folder).Where(e => e != SnapshotMarker.FileName).ToList())
        {
            DeletePath(System.IO.Path.Join(folder, entry));
        }

        File.Delete(SnapshotMarker.PathIn(folder));
        Directory.Delete(folder);
    }

    /// <summary>
    /// Deletes a file, a link (not what it points to) or a folder tree. Snapshots keep the sources' modes, so a
    /// folder may be read-only; it is made writable for its owner first (root needs no such help).
    /// </summary>
    private static void DeletePath(string path)
    {
        if (NativeFileSystem.TryStat(path) is not { } status)
        {
            return;
        }

        if (!status.IsDirectory)
        {
            File.Delete(path);
            return;
        }

        MakeWritable(path);
        foreach (var entry in Entries(path).ToList())
        {
            DeletePath(System.IO.Path.Join(path, entry));
        }

        Directory.Delete(path);
    }

    private static void MakeWritable(string folder)
    {
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var status = NativeFileSystem.Stat(folder);
        if (((UnixFileMode)(status.Mode & 0xfff) & owner) != owner)
        {
            File.SetUnixFileMode(folder, (UnixFileMode)(status.Mode & 0xfff) | owner);
        }
    }

    internal sealed class DestinationContents
    {
        public List<Snapshot> Completed { get; } = [];

        public List<string> Partials { get; } = [];

        public List<(string SnapshotName, string Path)> Superseded { get; } = [];

        public List<string> Deleting { get; } = [];

        /// <summary>Folders named like snapshots whose marker names another runner (<c>Backup__Name</c>).</summary>
        public List<string> OtherRunners { get; } = [];
    }
}
