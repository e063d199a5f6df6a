using System.Runtime.InteropServices;
using System.Text;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// A directory of a Maildir held open by its descriptor, and everything done below it relative to that descriptor:
/// list (<c>readdir</c>), look (<c>statx</c> without following), open a file (<c>openat</c> with <c>O_NOFOLLOW</c> and
/// <c>O_NONBLOCK</c>, so neither a link nor a FIFO can lead elsewhere or block), remove (<c>unlinkat</c>). A path is
/// opened one component at a time from <c>/</c>, each with <c>O_NOFOLLOW</c>, so a symbolic link anywhere on the way
/// is refused and named, with no gap between a check and the use.
/// </summary>
internal sealed partial class MaildirDirectory : IDisposable
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int ELOOP = 40;
    private const int ORdonly = 0;
    private const int ONoctty = 0x100;
    private const int ONonblock = 0x800;
    private const int OCloexec = 0x80000;
    private const int OPath = 0x200000;
    private const int AtFdcwd = -100;
    private const int AtSymlinkNofollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxWanted = 0x1 | 0x2 | 0x40 | 0x100 | 0x200; // TYPE, MODE, MTIME, INO, SIZE

    // O_NOFOLLOW and O_DIRECTORY differ between architectures (asm-generic/fcntl.h vs x86's); the rest do not.
    private static readonly bool X86 = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
    private static readonly int ONofollow = X86 ? 0x20000 : 0x8000;
    private static readonly int ODirectory = X86 ? 0x10000 : 0x4000;

    private readonly int fd;

    private MaildirDirectory(int fd, string path)
    {
        this.fd = fd;
        Path = path;
    }

    /// <summary>The path it was opened by, for messages.</summary>
    public string Path { get; }

    /// <summary>Device and inode: what the directory is, whatever it is called.</summary>
    public string Identity => Stat(fd, "", AtEmptyPath, out var st) == 0 ? $"device {st.DevMajor}:{st.DevMinor}, inode {st.Ino}" : "unknown";

    /// <summary>Opens an absolute path without following a link at any component.</summary>
    public static MaildirDirectory OpenPath(string absolutePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(absolutePath);
        var current = OpenAt(AtFdcwd, "/", ORdonly | ODirectory | OCloexec);
        var walked = "";
        var parts = absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            walked += "/" + parts[i];
            // Components above the last are only passed through: O_PATH needs no read permission on them.
            var next = OpenAt(current, parts[i], (i == parts.Length - 1 ? ORdonly : OPath) | ODirectory | ONofollow | OCloexec);
            var errno = Marshal.GetLastPInvokeError();
            var refusal = next >= 0 ? null : Refusal(current, parts[i], walked, errno);
            _ = Close(current);
            current = refusal is null ? next : throw new RetentionFailedException(refusal);
        }

        return new MaildirDirectory(current, absolutePath);
    }

    /// <summary>Opens a directory below this one without following a link; null when it does not exist.</summary>
    public MaildirDirectory? OpenChild(string name)
    {
        var child = OpenAt(fd, name, ORdonly | ODirectory | ONofollow | OCloexec);
        var errno = Marshal.GetLastPInvokeError();
        var path = System.IO.Path.Combine(Path, name);
        return child >= 0 ? new MaildirDirectory(child, path)
            : errno == ENOENT ? null
            : throw new RetentionFailedException(Refusal(fd, name, path, errno));
    }

    /// <summary>The entries (not <c>.</c> and <c>..</c>) with their type from the directory itself, no look at each.</summary>
    public List<DirectoryEntry> Entries()
    {
        // A descriptor of its own for the listing: closedir closes it, this one stays open.
        var listing = OpenAt(fd, ".", ORdonly | ODirectory | OCloexec);
        var dir = listing >= 0 ? FdOpenDir(listing) : 0;
        if (dir == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = listing >= 0 ? Close(listing) : 0;
            throw new RetentionFailedException($"cannot list {Path}: errno {errno}");
        }

        var entries = new List<DirectoryEntry>();
        try
        {
            nint entry;
            while ((entry = ReadDir(dir)) != 0)
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
                entries.Add(new DirectoryEntry(exact ? name : Escape(entry + 19), exact ? type : FileKind.Unnamed));
            }

            var end = Marshal.GetLastPInvokeError();
            return end == 0 ? entries : throw new RetentionFailedException($"cannot list {Path}: errno {end}");
        }
        finally
        {
            _ = CloseDir(dir);
        }
    }

    /// <summary>Looks at an entry without following it: its kind, size and modification time, or null when it is gone.</summary>
    public FileState? Look(string name) => Stat(fd, name, AtSymlinkNofollow, out var st) == 0 ? State(st) : null;

    /// <summary>
    /// Opens a regular file below this directory and hands <paramref name="read"/> a positional reader and what
    /// <c>fstat</c> says of the open file. A link, a file that is no longer regular or is gone, or a failure, is the outcome.
    /// </summary>
    public (FileOutcome Outcome, FileState State, T Result, int Errno) Read<T>(string name, Func<Func<Span<byte>, long, int>, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var file = OpenAt(fd, name, ORdonly | ONofollow | ONonblock | ONoctty | OCloexec);
        if (file < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return (errno switch { ELOOP => FileOutcome.SymbolicLink, ENOENT => FileOutcome.Vanished, _ => FileOutcome.Failed }, default, default!, errno);
        }

        try
        {
            if (Stat(file, "", AtEmptyPath, out var st) != 0)
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
            _ = Close(file);
        }
    }

    /// <summary>Removes an entry of this directory (never what a link points to); 0, or the errno.</summary>
    public int Unlink(string name) => UnlinkAt(fd, name, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public void Dispose() => _ = Close(fd);

    // With O_DIRECTORY, Linux answers ENOTDIR for a link as for a file: a look at the entry itself tells them apart.
    private static string Refusal(int directory, string name, string path, int errno) => errno switch
    {
        ELOOP or ENOTDIR when Stat(directory, name, AtSymlinkNofollow, out var st) == 0 && State(st).Kind == FileKind.SymbolicLink =>
            $"{path} is a symbolic link: not followed (name the real path)",
        ELOOP or ENOTDIR => $"{path} is not a directory",
        ENOENT => $"{path} does not exist",
        _ => $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}",
    };

    private static FileState State(in Statx st) =>
        new((FileKind)((st.Mode & 0xF000) >> 12), (long)st.Size, DateTimeOffset.FromUnixTimeSeconds(st.MtimeSeconds).AddTicks(st.MtimeNanoseconds / 100));

    private static int ReadAt(int file, Span<byte> destination, long offset)
    {
        var read = Pread(file, ref MemoryMarshal.GetReference(destination), destination.Length, offset);
        return read >= 0 ? (int)read : throw new IOException($"read failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
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

    // struct statx (linux/stat.h): one layout on every architecture, unlike struct stat.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Ino;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    private static int Stat(int directory, string path, int flags, out Statx st) => StatX(directory, path, flags, StatxWanted, out st);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int directoryFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directoryFd, string path, int flags, uint mask, out Statx buffer);

    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    private static partial nint FdOpenDir(int fd);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial nint ReadDir(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(nint dir);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnlinkAt(int directoryFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint Pread(int fd, ref byte buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
