using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// <c>backup-runner restore</c>: copies a snapshot (all sources, one source, or one path in a source) into a target
/// folder with rsync, owners, modes, times, hard links, holes and, where the target keeps them, ACLs and xattrs.
/// It never deletes anything in the target, and refuses a non-empty target unless <c>--force</c>.
/// </summary>
public sealed class SnapshotRestorer(Rsync rsync, IOptions<BackupOptions> options, TimeProvider time, ILogger<SnapshotRestorer> logger)
{
    public async Task<int> RestoreAsync(BackupCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var settings = options.Value;
        using var readLock = SnapshotReadLock.Take(settings.Destination!, time, logger);
        var store = SnapshotStore.For(settings, logger);
        var snapshot = store.Find(command.Snapshot!);
        var sources = Directory.EnumerateDirectories(snapshot.Path).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var source = command.Source ?? (command.Path is not null && sources.Count == 1 ? sources[0] : null);
        if (command.Path is not null && source is null)
        {
            throw new BackupFailedException($"--path needs --source: snapshot {snapshot.Name} holds {string.Join(", ", sources)}");
        }

        if (source is not null && !sources.Contains(source))
        {
            throw new BackupFailedException($"snapshot {snapshot.Name} has no source '{source}' (it holds {string.Join(", ", sources)})");
        }

        var target = command.Target!;
        if (Directory.Exists(target) && !FileTree.IsEmpty(target) && !command.Force)
        {
            throw new BackupFailedException($"--target {target} is not empty; restore writes into it only with --force (it then overwrites files of the same name and deletes nothing)");
        }

        if (File.Exists(target))
        {
            throw new BackupFailedException($"--target {target} is a file");
        }

        var copies = new List<(string Label, string From, string To)>();
        if (source is null)
        {
            copies.AddRange(sources.Select(s => (s, Path.Join(snapshot.Path, s) + "/", Path.Join(target, s) + "/")));
        }
        else
        {
            var from = command.Path is null ? Path.Join(snapshot.Path, source) : Path.Join(snapshot.Path, source, command.Path);
            var status = NativeFileSystem.TryStat(from) ?? throw new BackupFailedException($"{source}/{command.Path} is not in snapshot {snapshot.Name}");
            // A symbolic link on the way (not at the end) would lead the copy out of the snapshot.
            var parts = command.Path?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
            for (var i = 1; i < parts.Length; i++)
            {
                if (NativeFileSystem.TryStat(Path.Join([snapshot.Path, source, .. parts[..i]])) is not { IsDirectory: true })
                {
                    throw new BackupFailedException($"{source}/{string.Join('/', parts[..i])} in snapshot {snapshot.Name} is not a folder");
                }
            }

            // A folder's contents go into the target; a single file goes into it under its own name.
            copies.Add((source, status.IsDirectory ? from.TrimEnd('/') + "/" : from, target.TrimEnd('/') + "/"));
        }

        // Only now, when everything checked out, is anything written.
        Directory.CreateDirectory(target);
        var features = DestinationFeatures.Detect(target, settings.Acls, settings.Xattrs, logger);
        foreach (var (label, from, to) in copies)
        {
            logger.LogInformation("Restoring {From} to {To}", from, to);
            var arguments = rsync.CommonArguments(features.Acls, features.Xattrs).Append(from).Append(to).ToList();
            var result = await rsync.RunAsync(label, arguments, cancellationToken);
            if (result.ExitCode != 0)
            {
                // Nothing vanishes from a snapshot: here every non-zero code is a failure.
                throw new BackupFailedException($"restoring {label} failed: {result.Error ?? "rsync exited with code " + result.ExitCode}");
            }

            logger.LogInformation("Restored {Label}: {Files} files, {Bytes} bytes", label, result.Stats.RegularFiles, result.Stats.TotalFileBytes);
        }

        logger.LogInformation("Restore of {Snapshot} into {Target} is complete", snapshot.Name, target);
        return ExitCodes.Success;
    }
}
