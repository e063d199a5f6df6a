using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MailserverWorkers.BackupRunner;

/// <summary>What statx says about one file system entry (not following a symbolic link).</summary>
/// <param name="Mode">Type and permission bits (st_mode).</param>
public readonly record struct FileStatus(
    uint Mode, uint LinkCount, ulong Inode, uint DeviceMajor, uint DeviceMinor, long Size, long Blocks, long ModifiedSeconds, DateTimeOffset ChangedAt,
    uint ModifiedNanoseconds = 0, uint Owner = 0, uint Group = 0)
{
    private const uint TypeMask = 0xF000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    public bool IsRegularFile => (Mode & TypeMask) == 0x8000;

    /// <summary>Bytes allocated on disk (a sparse file's holes take none).</summary>
    public long AllocatedBytes => Blocks * 512;

    /// <summary>Identifies the inode: hard links to one file have the same identity.</summary>
    public (ulong Inode, uint Major, uint Minor) Identity => (Inode, DeviceMajor, DeviceMinor);
}

/// <summary>
/// The few Linux calls .NET does not offer: statx (link count and inode, for measuring what a snapshot shares with
/// the one before), extended attributes (to learn whether the destination keeps ACLs and xattrs), syncfs and fsync of
/// a folder (so a snapshot is on disk before it is declared complete). statx's buffer has one layout on every
/// architecture, unlike struct stat.
/// </summary>
internal static partial class NativeFileSystem
{
    private const int AtFdcwd = -100;
    private const int AtSymlinkNofollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENOENT = 2;
    private const int ENOTSUP = 95;
    private const int ELOOP = 40;
    private const int AtEmptyPath = 0x1000;
    private const int OCloexec = 0x80000;
    private static readonly bool X86 = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
    private static readonly int ODirectory = X86 ? 0x10000 : 0x4000;

    /// <summary>O_NOFOLLOW, which differs between architectures (asm-generic/fcntl.h vs x86's).</summary>
    internal static readonly int ONofollow = X86 ? 0x20000 : 0x8000;

    /// <summary>
    /// Opens one of the runner's own files (the lock, a marker) never through a symbolic link, with
    /// <paramref name="mode"/> when it creates it, and only when it is a regular file: the runner writes them as root,
    /// and a link planted in their place must not turn that write onto another file. Returns the descriptor.
    /// </summary>
    public static int OpenOwnFile(string path, int flags, int mode)
    {
        var fd = Open(path, flags | ONofollow | OCloexec, mode);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno == ELOOP
                ? $"{path} is a symbolic link: refused (the runner never writes its own files through a link; remove it)"
                : $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        Span<byte> buffer = stackalloc byte[256];
        if (Statx(fd, "", AtEmptyPath, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0 || (BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]) & 0xF000) != 0x8000)
        {
            _ = Close(fd);
            throw new IOException($"{path} is not a regular file: refused (remove it)");
        }

        return fd;
    }

    /// <summary>statx of <paramref name="path"/>; null when it does not exist.</summary>
    public static FileStatus? TryStat(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdcwd, path, AtSymlinkNofollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == ENOENT ? null : throw new IOException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return new FileStatus(
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]),
            LinkCount: BinaryPrimitives.ReadUInt32LittleEndian(buffer[16..]),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]),
            DeviceMajor: BinaryPrimitives.ReadUInt32LittleEndian(buffer[136..]),
            DeviceMinor: BinaryPrimitives.ReadUInt32LittleEndian(buffer[140..]),
            Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer[40..]),
            Blocks: (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer[48..]),
            ChangedAt: DateTimeOffset.UnixEpoch.AddTicks((BinaryPrimitives.ReadInt64LittleEndian(buffer[96..]) * TimeSpan.TicksPerSecond) + (BinaryPrimitives.ReadUInt32LittleEndian(buffer[104..]) / 100)),
            ModifiedSeconds: BinaryPrimitives.ReadInt64LittleEndian(buffer[112..]),
            ModifiedNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(buffer[120..]),
            Owner: BinaryPrimitives.ReadUInt32LittleEndian(buffer[20..]),
            Group: BinaryPrimitives.ReadUInt32LittleEndian(buffer[24..]));
    }

    public static FileStatus Stat(string path) => TryStat(path) ?? throw new FileNotFoundException($"{path} does not exist", path);

    /// <summary>Sets an extended attribute on <paramref name="path"/>; false when the file system does not support it.</summary>
    public static bool TrySetAttribute(string path, string name, ReadOnlySpan<byte> value)
    {
        if (LSetXattr(path, name, ref MemoryMarshal.GetReference(value), (nuint)value.Length, 0) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == ENOTSUP ? false : throw new IOException($"cannot set {name} on {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    /// <summary>Flushes the whole file system that holds <paramref name="folder"/> (syncfs).</summary>
    public static void SyncFileSystem(string folder) => WithFolder(folder, fd => SyncFs(fd), "syncfs");

    /// <summary>Makes a rename inside <paramref name="folder"/> durable (fsync of the folder).</summary>
    public static void SyncFolder(string folder) => WithFolder(folder, fd => Fsync(fd), "fsync");

    private static void WithFolder(string folder, Func<int, int> call, string what)
    {
        var fd = Open(folder, OCloexec | ODirectory);
        if (fd < 0)
        {
            throw new IOException($"cannot open {folder}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            if (call(fd) != 0)
            {
                throw new IOException($"{what} of {folder} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Whether <paramref name="path"/> (not what a link points to) has any extended attribute, ACLs included.</summary>
    public static bool HasAttributes(string path)
    {
        var size = LListXattr(path, 0, 0);
        return size != 0 && (size > 0 || Marshal.GetLastPInvokeError() != ENOTSUP);
    }

    /// <summary>A hard link <paramref name="link"/> to the file <paramref name="existing"/> (link(2) never follows a link); false when it cannot be made.</summary>
    public static bool TryLink(string existing, string link) => Link(existing, link) == 0;

    /// <summary>realpath(3): the path with every link and <c>..</c> resolved.</summary>
    public static string RealPath(string path)
    {
        var resolved = RealPathNative(path, 0);
        if (resolved == 0)
        {
            throw new IOException($"cannot resolve {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved)!;
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LListXattr(string path, nint list, nuint size);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string link);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint RealPathNative(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LSetXattr(string path, string name, ref byte value, nuint size, int flags);

    /// <summary>open(2); the mode matters only with O_CREAT.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode = 0);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
