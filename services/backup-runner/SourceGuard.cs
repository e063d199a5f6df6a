namespace MailserverWorkers.BackupRunner;

/// <summary>
/// Keeps the previous good snapshot alive through any single bad run: a source with no regular file where the newest
/// completed snapshot has some (an unmounted volume shows an empty folder, or one holding only <c>lost+found</c>), or
/// one that shrank against that snapshot by more than <c>Backup__MaxShrinkPercent</c> in files or in bytes, is refused, before the copy
/// (from a walk of the source) and again after it (from rsync's own figures of what it copied), and the run fails
/// before anything is promoted or rotated. The earlier snapshot of the same week stays until a new one passes.
/// </summary>
internal sealed class SourceGuard(BackupOptions settings)
{
    /// <summary>Throws when <paramref name="now"/> must not replace <paramref name="before"/>.</summary>
    public void Check(string name, string path, SourceFigures now, (string Snapshot, SourceFigures Figures)? before, string when)
    {
        // A first snapshot, or a source that was empty then too, has nothing to lose.
        if (now.Files == 0 && settings.RefuseEmptiedSource && before is { Figures.Files: > 0 } had)
        {
            throw new BackupFailedException(
                $"source {name} ({path}) holds no regular file {when}, but snapshot {had.Snapshot} has {had.Figures}: an unmounted volume? " +
                "Nothing was promoted or deleted (set Backup__RefuseEmptiedSource=false if it really was emptied)");
        }

        if (before is not { } previous || settings.MaxShrinkPercent >= 100)
        {
            return;
        }

        var floor = 1 - (settings.MaxShrinkPercent / 100.0);
        if (now.Files < previous.Figures.Files * floor || now.Bytes < previous.Figures.Bytes * floor)
        {
            throw new BackupFailedException(
                $"source {name} ({path}) shrank {when} from {previous.Figures} in snapshot {previous.Snapshot} to {now}, more than " +
                $"Backup__MaxShrinkPercent={settings.MaxShrinkPercent.ToString(System.Globalization.CultureInfo.InvariantCulture)}: nothing was promoted or deleted " +
                "(a lost volume or a mistaken deletion? if it is right, raise the limit for one run)");
        }
    }

    /// <summary>What the snapshot holds of <paramref name="name"/>: from its marker, or counted for a snapshot from before the figures were kept.</summary>
    public static (string Snapshot, SourceFigures Figures)? Before(Snapshot? snapshot, string name, CancellationToken cancellationToken)
    {
        if (snapshot is null)
        {
            return null;
        }

        if (snapshot.Marker?.SourceFigures?.GetValueOrDefault(name) is { } kept)
        {
            return (snapshot.Name, kept);
        }

        var copy = Path.Join(snapshot.Path, name);
        return NativeFileSystem.TryStat(copy) is { IsDirectory: true } ? (snapshot.Name, SourceWalk.Count(copy, cancellationToken)) : null;
    }
}
