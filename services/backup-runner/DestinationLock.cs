using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MailserverWorkers.Shared.Native;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// The lock file <c>.backup-runner.lock</c> in the destination: flock(2), exclusive for a run, shared for restore
/// and verify (so retention cannot delete a snapshot being read). The kernel drops it when the process dies, so a
/// killed run never leaves a stale lock; on NFS, Linux maps flock to NFS byte-range locks. The file names the holder
/// for the error message of the run that finds it taken. .NET's FileStream takes its own flock on open, which
/// would collide with this one, hence the system calls.
/// </summary>
internal sealed class DestinationLock : IDisposable
{
    public const string FileName = ".backup-runner.lock";
    private int fd;

    private DestinationLock(int fd) => this.fd = fd;

    /// <summary>Takes the lock, or returns null and the holder's description when another process has it.</summary>
    public static (DestinationLock? Lock, string? Holder) TryAcquire(string destination, bool exclusive, TimeProvider time)
    {
        var path = Path.Join(destination, FileName);
        // A reader opens read-only, so restore works from a destination mounted read-only once the lock file exists.
        // Never through a link, and only the owner reads who holds it (0600).
        var fd = NativeFileSystem.OpenOwnFile(path, (exclusive ? Libc.ORdwr : Libc.ORdonly) | Libc.OCreat, 0x180 /* 0600 */);

        if (Libc.Flock(fd, (exclusive ? Libc.LockExclusive : Libc.LockShared) | Libc.LockNonBlocking) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var holder = ReadAll(fd);
            _ = Libc.Close(fd);
            return errno == Libc.EWOULDBLOCK
                ? (null, holder.Length > 0 ? holder : "another process")
                : throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        if (exclusive)
        {
            var holder = string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName} since {time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}");
            var bytes = Encoding.UTF8.GetBytes(holder);
            _ = Libc.Ftruncate(fd, 0);
            _ = Libc.Pwrite(fd, ref bytes[0], bytes.Length, 0);
        }

        return (new DestinationLock(fd), null);
    }

    public void Dispose()
    {
        if (fd >= 0)
        {
            _ = Libc.Close(fd);
            fd = -1;
        }
    }

    private static string ReadAll(int fd)
    {
        var buffer = new byte[512];
        var read = Libc.Pread(fd, ref buffer[0], buffer.Length, 0);
        return read > 0 ? Encoding.UTF8.GetString(buffer, 0, (int)read).Trim() : "";
    }
}
