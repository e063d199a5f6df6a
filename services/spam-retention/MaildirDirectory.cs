using System.Runtime.InteropServices;
using System.Text;
using MailserverWorkers.Shared.Native;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// A directory of a Maildir held open by its descriptor, and everything done below it relative to that descriptor:
/// list (<c>readdir</c>), look (<c>statx</c> without following), open a file (<c>openat</c> with <c>O_NOFOLLOW</c> and
/// <c>O_NONBLOCK</c>, so neither a link nor a FIFO can lead elsewhere or block), remove (<c>unlinkat</c>). A path is
/// opened one component at a time from <c>/</c>, each with <c>O_NOFOLLOW</c>, so a symbolic link anywhere on the way
/// is refused and named, with no gap between a check and the use.
/// </summary>
internal sealed class MaildirDirectory : IDisposable
{
    // TYPE, MODE, MTIME, INO, SIZE: what a look at an entry needs.
    private const uint StatxWanted = 0x1 | 0x2 | 0x40 | 0x100 | 0x200;

    private readonly int fd;

    private static int Stat(int directory, string path, int flags, out StatxBuffer st) => Libc.Statx(directory, path, flags, StatxWanted, out st);

    private MaildirDirectory(int fd, string path)
    {
        this.fd = fd;
        Path = path;
    }

    /// <summary>The path it was opened by, for messages.</summary>
    public string Path { get; }

    /// <summary>Device and inode: what the directory is, whatever it is called.</summary>
    public string Identity => Stat(fd, "", Libc.AtEmptyPath, out var st) == 0 ? $"device {st.DeviceMajor}:{st.DeviceMinor}, inode {st.Inode}" : "unknown";

    /// <summary>Opens an absolute path without following a link at any component.</summary>
    public static MaildirDirectory OpenPath(string absolutePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(absolutePath);
        var current = Libc.OpenAt(Libc.AtFdcwd, "/", Libc.ORdonly | Libc.ODirectory | Libc.OCloexec);
        var walked = "";
        var parts = absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            walked += "/" + parts[i];
            // Components above the last are only passed through: O_PATH needs no read permission on them.
            var next = Libc.OpenAt(current, parts[i], (i == parts.Length - 1 ? Libc.ORdonly : Libc.OPath) | Libc.ODirectory | Libc.ONofollow | Libc.OCloexec);
            var errno = Marshal.GetLastPInvokeError();
            var refusal = next >= 0 ? null : Refusal(current, parts[i], walked, errno);
            _ = Libc.Close(current);
            current = refusal is null ? next : throw new RetentionFailedException(refusal);
        }

        return new MaildirDirectory(current, absolutePath);
    }

    /// <summary>Opens a directory below this one without following a link; null when it does not exist.</summary>
    public MaildirDirectory? OpenChild(string name)
    {
        var child = Libc.OpenAt(fd, name, Libc.ORdonly | Libc.ODirectory | Libc.ONofollow | Libc.OCloexec);
        var errno = Marshal.GetLastPInvokeError();
        var path = System.IO.Path.Combine(Path, name);
        return child >= 0 ? new MaildirDirectory(child, path)
            : errno == Libc.ENOENT ? null
            : throw new RetentionFailedException(Refusal(fd, name, path, errno));
    }

    /// <summary>
    /// The entries (not <c>.</c> and <c>..</c>) with their type from the directory itself, no look at each, as the
    /// listing reads them: the caller takes a few thousand at a time, and no list of the whole folder is made.
    /// </summary>
    public IEnumerable<DirectoryEntry> Entries()
    {
        // A descriptor of its own for the listing: closedir closes it, this one stays open.
        var listing = Libc.OpenAt(fd, ".", Libc.ORdonly | Libc.ODirectory | Libc.OCloexec);
        var dir = listing >= 0 ? Libc.FdOpenDir(listing) : 0;
        if (dir == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = listing >= 0 ? Libc.Close(listing) : 0;
            throw new RetentionFailedException($"cannot list {Path}: errno {errno}");
        }

        try
        {
            nint entry;
            while ((entry = Libc.ReadDir(dir)) != 0)
            {
                // struct dirent (glibc and musl, 64-bit): d_ino 8, d_off 8, d_reclen 2, d_type 1, then d_name.
                var type = (FileKind)Marshal.ReadByte(entry, 18);
                var name = Marshal.PtrToStringUTF8(entry + 19) ?? "";
                if (name is "." or "..")
                {
                    continue;
                }

                // A name that is not UTF-8 could not be named back exactly; one with control characters could forge log lines.
                var exact = IsExactUtf8(entry + 19) && !name.Any(char.IsControl);
                yield return new DirectoryEntry(exact ? name : Escape(entry + 19), exact ? type : FileKind.Unnamed);
            }

            // Read right after readdir's null: the last P/Invoke error is the thread's own, saved at that call.
            var end = Marshal.GetLastPInvokeError();
            if (end != 0)
            {
                throw new RetentionFailedException($"cannot list {Path}: errno {end}");
            }
        }
        finally
        {
            _ = Libc.CloseDir(dir);
        }
    }

    /// <summary>Looks at an entry without following it: its kind, size and modification time, or null when it is gone.</summary>
    public FileState? Look(string name) => Stat(fd, name, Libc.AtSymlinkNofollow, out var st) == 0 ? State(st) : null;

    /// <summary>
    /// Opens a regular file below this directory and hands <paramref name="read"/> a positional reader and what
    /// <c>fstat</c> says of the open file. A link, a file that is no longer regular or is gone, or a failure, is the outcome.
    /// </summary>
    public (FileOutcome Outcome, FileState State, T Result, int Errno) Read<T>(string name, Func<Func<Span<byte>, long, int>, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var file = Libc.OpenAt(fd, name, Libc.ORdonly | Libc.ONofollow | Libc.ONonblock | Libc.ONoctty | Libc.OCloexec);
        if (file < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return (errno switch { Libc.ELOOP => FileOutcome.SymbolicLink, Libc.ENOENT => FileOutcome.Vanished, _ => FileOutcome.Failed }, default, default!, errno);
        }

        try
        {
            if (Stat(file, "", Libc.AtEmptyPath, out var st) != 0)
            {
                return (FileOutcome.Failed, default, default!, Marshal.GetLastPInvokeError());
            }

            var state = State(st);
            return state.Kind != FileKind.Regular
                ? (FileOutcome.NotRegular, state, default!, 0)
                : (FileOutcome.Read, state, read((destination, offset) => ReadAt(file, destination, offset)), 0);
        }
        finally
        {
            _ = Libc.Close(file);
        }
    }

    /// <summary>Removes an entry of this directory (never what a link points to); 0, or the errno.</summary>
    public int Unlink(string name) => Libc.UnlinkAt(fd, name, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public void Dispose() => _ = Libc.Close(fd);

    // With O_DIRECTORY, Linux answers ENOTDIR for a link as for a file: a look at the entry itself tells them apart.
    private static string Refusal(int directory, string name, string path, int errno) => errno switch
    {
        Libc.ELOOP or Libc.ENOTDIR when Stat(directory, name, Libc.AtSymlinkNofollow, out var st) == 0 && State(st).Kind == FileKind.SymbolicLink =>
            $"{path} is a symbolic link: not followed (name the real path)",
        Libc.ELOOP or Libc.ENOTDIR => $"{path} is not a directory",
        Libc.ENOENT => $"{path} does not exist",
        _ => $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}",
    };

    private static FileState State(in StatxBuffer st) =>
        new((FileKind)((st.Mode & 0xF000) >> 12), (long)st.Size, st.ModifiedAt);

    private static int ReadAt(int file, Span<byte> destination, long offset)
    {
        var read = Libc.Pread(file, ref MemoryMarshal.GetReference(destination), destination.Length, offset);
        return read >= 0 ? (int)read : throw new IOException($"read failed: {Libc.LastError()}");
    }

    private static unsafe bool IsExactUtf8(nint name) =>
        System.Text.Unicode.Utf8.IsValid(new ReadOnlySpan<byte>((byte*)name, new ReadOnlySpan<byte>((byte*)name, 256).IndexOf((byte)0)));

    private static unsafe string Escape(nint name)
    {
        var bytes = new ReadOnlySpan<byte>((byte*)name, new ReadOnlySpan<byte>((byte*)name, 256).IndexOf((byte)0));
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return text.ToString();
    }
}
