using System.Runtime.InteropServices;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// Reads a Maildir file with openat(O_NOFOLLOW), pread and close, nothing else: the kernel itself refuses a symbolic
/// link (no race between a check and the open), and a scan of 100,000 files makes four system calls per file instead
/// of the eight of FileStream/File.OpenHandle (which add flock, fstat and geteuid).
/// </summary>
internal static partial class NoFollowFile
{
    private const int ELOOP = 40;
    private const int ENOENT = 2;
    private const int OCloexec = 0x80000;

    // O_NOFOLLOW and O_DIRECTORY differ between architectures (asm-generic/fcntl.h vs x86's).
    private static readonly bool X86 = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;
    private static readonly int ONofollow = X86 ? 0x20000 : 0x8000;
    private static readonly int ODirectory = X86 ? 0x10000 : 0x4000;

    public enum Outcome
    {
        Read,
        SymbolicLink,
        Vanished,
        Failed,
    }

    /// <summary>Opens a directory (not through a link) to open files relative to it; close it with <see cref="CloseDirectory"/>.</summary>
    public static int OpenDirectory(string path)
    {
        var fd = OpenAt(AtFdcwd, path, OCloexec | ONofollow | ODirectory);
        return fd >= 0 ? fd : throw new IOException($"cannot open directory {path}: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void CloseDirectory(int fd) => _ = Close(fd);

    /// <summary>
    /// Opens <paramref name="relativePath"/> below the directory <paramref name="directoryFd"/> without following a
    /// link and hands <paramref name="read"/> a positional reader.
    /// </summary>
    public static (Outcome Outcome, T Result, int Errno) Read<T>(int directoryFd, string relativePath, Func<Func<Span<byte>, long, int>, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var fd = OpenAt(directoryFd, relativePath, OCloexec | ONofollow);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return (errno switch { ELOOP => Outcome.SymbolicLink, ENOENT => Outcome.Vanished, _ => Outcome.Failed }, default!, errno);
        }

        try
        {
            return (Outcome.Read, read((destination, offset) => ReadAt(fd, destination, offset)), 0);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static int ReadAt(int fd, Span<byte> destination, long offset)
    {
        var read = Pread(fd, ref MemoryMarshal.GetReference(destination), destination.Length, offset);
        return read >= 0 ? (int)read : throw new IOException($"pread failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private const int AtFdcwd = -100;

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenAt(int directoryFd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint Pread(int fd, ref byte buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
