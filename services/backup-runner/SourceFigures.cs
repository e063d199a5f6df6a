namespace MailserverWorkers.BackupRunner;

/// <summary>A source's regular files and their bytes: what the shrink guard compares (folders such as lost+found do not count).</summary>
public sealed record SourceFigures(long Files, long Bytes)
{
    public override string ToString() => $"{Files} files, {Bytes} bytes";
}
