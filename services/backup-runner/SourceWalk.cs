using System.IO.Enumeration;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// One walk of a source right before rsync copies it: it counts the regular files and their bytes (for
/// <see cref="SourceGuard"/>), and, when there is a previous snapshot to link against, does Maildir-aware linking.
/// One walk, not two: on 100,000 messages a walk costs about half a second, some 6 % of a copy.
/// </summary>
/// <remarks>
/// Maildir-aware linking. Maildir keeps a message's flags in its file name
/// (<c>1700000000.M1P1.host:2,S</c> becomes <c>...:2,RS</c> when replied to) and Dovecot moves mail from <c>new/</c> to
/// <c>cur/</c> when it is first seen, so <c>--link-dest</c>, which matches by path, would store such a message again. A
/// message whose unique name (before <c>:2,</c>) is in the previous snapshot under another name, or in the other of
/// <c>new/</c> and <c>cur/</c> of the same folder, is hard-linked into the new snapshot at its new name when size,
/// modification time (to the nanosecond, as rsync's <c>--modify-window=-1</c> compares), mode and owner are the same
/// and neither file has extended attributes: rsync then finds it up to date and copies nothing. rsync would otherwise
/// change such an existing file's attributes in place, which would change the previous snapshot's copy too.
/// Folders are walked by name (the directory listing says what is a folder); only a message that is not at the same
/// path in the previous snapshot is looked at with statx. The previous folder's names are read once per Maildir folder.
/// Sizes come from the listing's own lstat; FIFOs and sockets, which a mail volume does not hold, count as files.
/// </remarks>
internal sealed class SourceWalk(string source, string? previous, string target)
{
    private static readonly EnumerationOptions OneFolder = new() { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true };

    private string? indexedFolder;
    private string? createdDirectory;
    private Dictionary<string, string> byUnique = new(StringComparer.Ordinal);
    private HashSet<string> present = new(StringComparer.Ordinal);

    /// <summary>Maildir folders (a <c>cur/</c> or <c>new/</c> folder) met in the source.</summary>
    public int Folders { get; private set; }

    public long LinkedFiles { get; private set; }

    public long LinkedBytes { get; private set; }

    /// <summary>Counts the regular files below <paramref name="root"/> and their bytes, links not followed; links nothing.</summary>
    public static SourceFigures Count(string root, CancellationToken cancellationToken) => new SourceWalk(root, null, root).Run(cancellationToken);

    /// <summary>Walks the source, counts it, and links what it can (an entry that cannot be linked is left to rsync).</summary>
    public SourceFigures Run(CancellationToken cancellationToken)
    {
        long files = 0, bytes = 0;
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = pending.Pop();
            var name = Path.GetFileName(relative);
            foreach (var (entry, kind, length) in List(Path.Join(source, relative), withSizes: true))
            {
                var child = relative.Length == 0 ? entry : relative + "/" + entry;
                if (kind == EntryKind.Directory)
                {
                    pending.Push(child);
                    continue;
                }

                if (kind == EntryKind.File)
                {
                    files++;
                    bytes += length;
                    if (previous is not null && name is "cur" or "new")
                    {
                        Consider(Path.GetDirectoryName(relative) ?? "", name, entry);
                    }
                }
            }
        }

        return new SourceFigures(files, bytes);
    }

    private void Consider(string folder, string sub, string file)
    {
        if (indexedFolder != folder)
        {
            Index(folder);
        }

        var unique = Unique(file);
        if (present.Contains(sub + "/" + file) || !byUnique.TryGetValue(unique, out var before))
        {
            return; // at the same path (--link-dest's case), or new mail
        }

        var from = Path.Join(previous!, folder, before);
        var live = Path.Join(source, folder, sub, file);
        var to = Path.Join(target, folder, sub, file);
        if (NativeFileSystem.TryStat(live) is not { IsRegularFile: true } now || NativeFileSystem.TryStat(from) is not { IsRegularFile: true } then
            || now.Size != then.Size || now.ModifiedSeconds != then.ModifiedSeconds || now.ModifiedNanoseconds != then.ModifiedNanoseconds
            || now.Mode != then.Mode || now.Owner != then.Owner || now.Group != then.Group
            || NativeFileSystem.HasAttributes(live) || NativeFileSystem.HasAttributes(from))
        {
            return;
        }

        // rsync gives the folders their modes, owners and times; link(2) refuses a name that exists (a resumed partial's).
        var directory = Path.GetDirectoryName(to)!;
        if (directory != createdDirectory)
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            createdDirectory = directory;
        }

        if (NativeFileSystem.TryLink(from, to))
        {
            LinkedFiles++;
            LinkedBytes += now.Size;
        }
    }

    /// <summary>The previous snapshot's names in <c>cur/</c> and <c>new/</c> of one Maildir folder.</summary>
    private void Index(string folder)
    {
        indexedFolder = folder;
        Folders++;
        byUnique = new Dictionary<string, string>(StringComparer.Ordinal);
        present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sub in (string[])["cur", "new"])
        {
            foreach (var (file, kind, _) in List(Path.Join(previous!, folder, sub), withSizes: false))
            {
                if (kind == EntryKind.File)
                {
                    present.Add(sub + "/" + file);
                    byUnique.TryAdd(Unique(file), sub + "/" + file);
                }
            }
        }
    }

    /// <summary>A Maildir file name's unique part: what comes before the <c>:2,</c> (or <c>:1,</c>) info.</summary>
    internal static string Unique(string file)
    {
        var colon = file.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? file : file[..colon];
    }

    private enum EntryKind : byte
    {
        File,
        Directory,
        Link,
    }

    // Names and kinds from the directory itself (d_type; a link is never a folder here), sizes from the listing's lstat.
    private static List<(string Name, EntryKind Kind, long Length)> List(string folder, bool withSizes) =>
        NativeFileSystem.TryStat(folder) is { IsDirectory: true }
            ? [.. new FileSystemEnumerable<(string, EntryKind, long)>(folder, (ref FileSystemEntry e) =>
                !withSizes ? (e.FileName.ToString(), e.IsDirectory ? EntryKind.Directory : EntryKind.File, 0) // the runner's own snapshot: d_type alone
                : e.Attributes.HasFlag(FileAttributes.ReparsePoint) ? (e.FileName.ToString(), EntryKind.Link, 0)
                : e.IsDirectory ? (e.FileName.ToString(), EntryKind.Directory, 0)
                : (e.FileName.ToString(), EntryKind.File, e.Length), OneFolder)]
            : [];
}
