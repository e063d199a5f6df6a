namespace MailserverWorkers.BackupRunner;

/// <summary>
/// What a snapshot holds and what it shares with the one before, measured the way <c>du</c> does across snapshots:
/// a file is shared when its inode (a hard link made by <c>--link-dest</c>) is also in the previous snapshot.
/// Within one snapshot each inode counts once.
/// </summary>
public sealed record SnapshotUsage(long Files, long Bytes, long AllocatedBytes, long NewBytes, long NewFiles)
{
    /// <summary>
    /// Measures <paramref name="snapshot"/>; <paramref name="previousInodes"/> are the previous snapshot's inodes
    /// (null: the first snapshot, all of it is new). Returns this snapshot's inodes for the next call.
    /// </summary>
    public static (SnapshotUsage Usage, HashSet<(ulong, uint, uint)> Inodes) Measure(
        string snapshot, HashSet<(ulong, uint, uint)>? previousInodes, CancellationToken cancellationToken)
    {
        var inodes = new HashSet<(ulong, uint, uint)>();
        long files = 0, bytes = 0, allocated = 0, newBytes = 0, newFiles = 0;
        foreach (var entry in FileTree.Walk(snapshot, cancellationToken))
        {
            var status = entry.Status;
            if (entry.RelativePath is SnapshotMarker.FileName || !status.IsRegularFile || !inodes.Add(status.Identity))
            {
                continue;
            }

            files++;
            bytes += status.Size;
            allocated += status.AllocatedBytes;
            if (previousInodes is null || !previousInodes.Contains(status.Identity))
            {
                newFiles++;
                newBytes += status.Size;
            }
        }

        return (new SnapshotUsage(files, bytes, allocated, newBytes, newFiles), inodes);
    }
}
