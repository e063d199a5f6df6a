using System.Runtime.InteropServices;

// The members are the system calls, flags and fields of the same names (man 2 open, statx, flock ...).
#pragma warning disable CS1591
// Public on purpose: the one declaration of each call for every worker's assembly (CA1401 asks for internal ones).
#pragma warning disable CA1401

namespace MailserverWorkers.Shared.Native;

/// <summary>
/// The Linux system calls .NET does not offer, declared once for every worker (spam-retention's Maildir walk,
/// backup-runner's snapshots and lock), with the flags and errno values they use. Flags are from glibc's
/// <c>fcntl.h</c>; <c>O_NOFOLLOW</c> and <c>O_DIRECTORY</c> differ between x86 and the asm-generic architectures
/// (arm64), the rest do not. Every call sets errno (<see cref="Marshal.GetLastPInvokeError"/>).
/// </summary>
public static partial class Libc
{
    public const int ENOENT = 2;
    public const int EWOULDBLOCK = 11;
    public const int ENOTDIR = 20;
    public const int ELOOP = 40;
    public const int ENOTSUP = 95;

    public const int ORdonly = 0;
    public const int OWronly = 1;
    public const int ORdwr = 2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONoctty = 0x100;
    public const int ONonblock = 0x800;
    public const int OCloexec = 0x80000;
    public const int OPath = 0x200000;

    public const int AtFdcwd = -100;
    public const int AtSymlinkNofollow = 0x100;
    public const int AtEmptyPath = 0x1000;

    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;

    private static readonly bool X86 = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    /// <summary>O_NOFOLLOW: 0x20000 on x86, 0x8000 on arm64.</summary>
    public static readonly int ONofollow = X86 ? 0x20000 : 0x8000;

    /// <summary>O_DIRECTORY: 0x10000 on x86, 0x4000 on arm64.</summary>
    public static readonly int ODirectory = X86 ? 0x10000 : 0x4000;

    /// <summary>The message of the last call's errno.</summary>
    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    /// <summary>open(2); the mode matters only with O_CREAT.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode = 0);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int directoryFd, string path, int flags, int mode = 0);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint Pread(int fd, ref byte buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint Pwrite(int fd, ref byte buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary>access(2) mode: may the caller write (W_OK)?</summary>
    public const int WriteOk = 2;

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static partial int SyncFs(int fd);

    /// <summary>statx(2) of <paramref name="path"/> relative to <paramref name="directoryFd"/>.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int directoryFd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint FdOpenDir(int fd);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    public static partial nint ReadDir(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    public static partial int CloseDir(nint dir);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int directoryFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existing, string link);

    [LibraryImport("libc", EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint RealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    public static partial void Free(nint memory);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint LListXattr(string path, nint list, nuint size);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LSetXattr(string path, string name, ref byte value, nuint size, int flags);
}
