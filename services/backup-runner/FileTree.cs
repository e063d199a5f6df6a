using System.IO.Enumeration;

namespace MailserverWorkers.BackupRunner;

/// <summary>One entry of a walked tree: its path relative to the root (with '/'), and its status.</summary>
public readonly record struct FileTreeEntry(string RelativePath, FileStatus Status);

/// <summary>
/// Walks a tree without following symbolic links (statx with AT_SYMLINK_NOFOLLOW, recursing only into real
/// folders), so a link in a snapshot or in a source can never lead the walk, or a deletion, outside it.
/// </summary>
public static class FileTree
{
    private static readonly EnumerationOptions OneFolder = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Every entry below <paramref name="root"/> (not the root itself), folders before their contents.</summary>
    public static IEnumerable<FileTreeEntry> Walk(string root, CancellationToken cancellationToken = default)
    {
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relativeFolder = pending.Pop();
            var folder = relativeFolder.Length == 0 ? root : Path.Join(root, relativeFolder);
            var names = new FileSystemEnumerable<string>(folder, (ref FileSystemEntry e) => e.FileName.ToString(), OneFolder);
            foreach (var name in names)
            {
                var relative = relativeFolder.Length == 0 ? name : relativeFolder + "/" + name;
                // An entry that vanished between the listing and the stat is simply not there any more.
                if (NativeFileSystem.TryStat(Path.Join(root, relative)) is not { } status)
                {
                    continue;
                }

                yield return new FileTreeEntry(relative, status);
                if (status.IsDirectory)
                {
                    pending.Push(relative);
                }
            }
        }
    }

    /// <summary>Whether <paramref name="folder"/> holds anything at all.</summary>
    public static bool IsEmpty(string folder) => !Directory.EnumerateFileSystemEntries(folder).Any();
}
