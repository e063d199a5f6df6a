using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Native;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// <c>--check</c> of backup-runner: rsync starts, each source is a folder the runner may list, the destination is a
/// folder it may write to (access(2): nothing is written there, not even the lock file).
/// </summary>
public sealed class BackupCheck(IOptions<BackupOptions> options, Rsync rsync) : IWorkerCheck
{
    public IEnumerable<CheckStep> Steps()
    {
        var settings = options.Value;
        yield return new($"rsync (Backup__RsyncPath={settings.RsyncPath}) runs", async ct =>
        {
            using var version = rsync.Start(["--version"]);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromSeconds(10));
            var code = await version.WaitForExitAsync(bounded.Token);
            if (code != 0)
            {
                throw new BackupFailedException($"rsync --version exited {code}: {(await version.StandardError.ReadToEndAsync(ct)).Trim()}");
            }
        });
        foreach (var (name, path) in settings.OrderedSources())
        {
            yield return new($"source {name} ({path}) is a folder the runner may read", ct =>
            {
                // Listing its first entry proves read and search permission on the folder itself.
                _ = Directory.EnumerateFileSystemEntries(path).FirstOrDefault();
                return Task.CompletedTask;
            });
        }

        yield return new($"Backup__Destination {settings.Destination} is a folder the runner may write to", ct =>
        {
            if (!Directory.Exists(settings.Destination))
            {
                throw new BackupFailedException($"{settings.Destination} does not exist (is the volume mounted?)");
            }

            if (Libc.Access(settings.Destination!, Libc.WriteOk) != 0)
            {
                throw new BackupFailedException($"{settings.Destination} is not writable: {Libc.LastError()}");
            }

            return Task.CompletedTask;
        });
    }
}
