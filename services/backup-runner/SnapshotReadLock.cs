using Microsoft.Extensions.Logging;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// The shared lock restore and verify hold while they read a snapshot, so that a run's retention cannot delete it
/// under them. A destination where the lock file cannot be made (mounted read-only for a restore) is read without it.
/// </summary>
internal static class SnapshotReadLock
{
    public static IDisposable? Take(string destination, TimeProvider time, ILogger logger)
    {
        try
        {
            var (taken, holder) = DestinationLock.TryAcquire(destination, exclusive: false, time);
            return taken ?? throw new BackupFailedException($"a backup run holds the destination ({holder}); try again when it has finished");
        }
        catch (IOException e)
        {
            logger.LogWarning("Reading without the destination's lock: {Error}", e.Message);
            return null;
        }
    }
}
