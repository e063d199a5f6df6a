using System.Runtime.InteropServices;
using MailserverWorkers.Shared.Native;

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
/// What backup-runner asks of the Linux calls .NET does not offer (declared in <see cref="Libc"/>): statx (link count and inode, for measuring what a snapshot shares with
/// the one before), extended attributes (to learn whether the destination keeps ACLs and xattrs), syncfs and fsync of
/// a folder (so a snapshot is on disk before it is declared complete). statx's buffer has one layout on every
/// architecture, unlike struct stat.
/// </summary>
internal static class NativeFileSystem
{
    /// <summary>
    /// Opens one of the runner's own files (the lock, a marker) never through a symbolic link, with
    /// <paramref name="mode"/> when it creates it, and only when it is a regular file: the runner writes them as root,
    /// and a link planted in their place must not turn that write onto another file. Returns the descriptor.
    /// </summary>
    public static int OpenOwnFile(string path, int flags, int mode)
    {
        var fd = Libc.Open(path, flags | Libc.ONofollow | Libc.OCloexec, mode);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException(errno == Libc.ELOOP
                ? $"{path} is a symbolic link: refused (the runner never writes its own files through a link; remove it)"
                : $"cannot open {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        if (Libc.Statx(fd, "", Libc.AtEmptyPath, StatxBuffer.BasicStats, out var st) != 0 || !st.IsRegularFile)
        {
            _ = Libc.Close(fd);
            throw new IOException($"{path} is not a regular file: refused (remove it)");
        }

        return fd;
    }

    /// <summary>statx of <paramref name="path"/>; null when it does not exist.</summary>
    public static FileStatus? TryStat(string path)
    {
        if (Libc.Statx(Libc.AtFdcwd, path, Libc.AtSymlinkNofollow, StatxBuffer.BasicStats, out var st) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == Libc.ENOENT ? null : throw new IOException($"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return new FileStatus(
            Mode: st.Mode,
            LinkCount: st.LinkCount,
            Inode: st.Inode,
            DeviceMajor: st.DeviceMajor,
            DeviceMinor: st.DeviceMinor,
            Size: (long)st.Size,
            Blocks: (long)st.Blocks,
            ChangedAt: st.ChangedAt,
            ModifiedSeconds: st.ModifiedSeconds,
            ModifiedNanoseconds: st.ModifiedNanoseconds,
            Owner: st.Owner,
            Group: st.Group);
    }

    public static FileStatus Stat(string path) => TryStat(path) ?? throw new FileNotFoundException($"{path} does not exist", path);

    /// <summary>Sets an extended attribute on <paramref name="path"/>; false when the file system does not support it.</summary>
    public static bool TrySetAttribute(string path, string name, ReadOnlySpan<byte> value)
    {
        if (Libc.LSetXattr(path, name, ref MemoryMarshal.GetReference(value), (nuint)value.Length, 0) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Libc.ENOTSUP ? false : throw new IOException($"cannot set {name} on {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    /// <summary>Flushes the whole file system that holds <paramref name="folder"/> (syncfs).</summary>
    public static void SyncFileSystem(string folder) => WithFolder(folder, Libc.SyncFs, "syncfs");

    /// <summary>Makes a rename inside <paramref name="folder"/> durable (fsync of the folder).</summary>
    public static void SyncFolder(string folder) => WithFolder(folder, Libc.Fsync, "fsync");

    private static void WithFolder(string folder, Func<int, int> call, string what)
    {
        var fd = Libc.Open(folder, Libc.OCloexec | Libc.ODirectory);
        if (fd < 0)
        {
            throw new IOException($"cannot open {folder}: {Libc.LastError()}");
        }

        try
        {
            if (call(fd) != 0)
            {
                throw new IOException($"{what} of {folder} failed: {Libc.LastError()}");
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }

    /// <summary>Whether <paramref name="path"/> (not what a link points to) has any extended attribute, ACLs included.</summary>
    public static bool HasAttributes(string path)
    {
        var size = Libc.LListXattr(path, 0, 0);
        return size != 0 && (size > 0 || Marshal.GetLastPInvokeError() != Libc.ENOTSUP);
    }

    /// <summary>A hard link <paramref name="link"/> to the file <paramref name="existing"/> (link(2) never follows a link); false when it cannot be made.</summary>
    public static bool TryLink(string existing, string link) => Libc.Link(existing, link) == 0;

    /// <summary>realpath(3): the path with every link and <c>..</c> resolved.</summary>
    public static string RealPath(string path)
    {
        var resolved = Libc.RealPath(path, 0);
        if (resolved == 0)
        {
            throw new IOException($"cannot resolve {path}: {Libc.LastError()}");
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved)!;
        }
        finally
        {
            Libc.Free(resolved);
        }
    }
}
