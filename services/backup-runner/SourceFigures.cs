namespace MailserverWorkers.BackupRunner;

/// <summary>A source's regular files and their bytes: what the shrink guard compares (folders such as lost+found do not count).</summary>
public sealed record SourceFigures(long Files, long Bytes)
{
    /// <summary>Counts the regular files below <paramref name="root"/> (links not followed).</summary>
    public static SourceFigures Count(string root, CancellationToken cancellationToken)
    {
        long files = 0, bytes = 0;
        foreach (var entry in FileTree.Walk(root, cancellationToken))
        {
            if (entry.Status.IsRegularFile)
            {
                files++;
                bytes += entry.Status.Size;
            }
        }

        return new SourceFigures(files, bytes);
    }

    public override string ToString() => $"{Files} files, {Bytes} bytes";
}
