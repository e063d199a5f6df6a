using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// The lock file <c>.backup-runner.lock</c> in the destination: flock(2), exclusive for a run, shared for restore
/// and verify (so retention cannot delete a snapshot being read). The kernel drops it when the process dies, so a
/// killed run never leaves a stale lock; on NFS, Linux maps flock to NFS byte-range locks. The file names the holder
/// for the error message of the run that finds it taken. .NET's FileStream takes its own flock on open, which
/// would collide with this one, hence the system calls.
/// </summary>
internal sealed partial class DestinationLock : IDisposable
{
    public const string FileName = ".backup-runner.lock";
    private const int LockShared = 1;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int EWOULDBLOCK = 11;
    private const int ORdwr = 2;
    private const int OCreat = 0x40;

    private int fd;

    private DestinationLock(int fd) => this.fd = fd;

    /// <summary>Takes the lock, or returns null and the holder's description when another process has it.</summary>
    public static (DestinationLock? Lock, string? Holder) TryAcquire(string destination, bool exclusive, TimeProvider time)
    {
        var path = Path.Join(destination, FileName);
        // A reader opens read-only, so restore works from a destination mounted read-only once the lock file exists.
        // Never through a link, and only the owner reads who holds it (0600).
        var fd = NativeFileSystem.OpenOwnFile(path, (exclusive ? ORdwr : 0) | OCreat, 0x180 /* 0600 */);

        if (Flock(fd, (exclusive ? LockExclusive : LockShared) | LockNonBlocking) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var holder = ReadAll(fd);
            _ = NativeFileSystem.Close(fd);
            return errno == EWOULDBLOCK
                ? (null, holder.Length > 0 ? holder : "another process")
                : throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        if (exclusive)
        {
            var holder = string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName} since {time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}");
            var bytes = Encoding.UTF8.GetBytes(holder);
            _ = Ftruncate(fd, 0);
            _ = Pwrite(fd, bytes, (nuint)bytes.Length, 0);
        }

        return (new DestinationLock(fd), null);
    }

    public void Dispose()
    {
        if (fd >= 0)
        {
            _ = NativeFileSystem.Close(fd);
            fd = -1;
        }
    }

    private static string ReadAll(int fd)
    {
        var buffer = new byte[512];
        var read = Pread(fd, buffer, (nuint)buffer.Length, 0);
        return read > 0 ? Encoding.UTF8.GetString(buffer, 0, (int)read).Trim() : "";
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint Pwrite(int fd, byte[] buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint Pread(int fd, byte[] buffer, nuint count, long offset);
}
