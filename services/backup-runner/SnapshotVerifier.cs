using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner;

/// <summary>What verify found for one file of the snapshot.</summary>
public enum VerifyOutcome
{
    /// <summary>Same bytes in the snapshot and in the live source.</summary>
    Identical,

    /// <summary>Different or gone, and the live file changed (its ctime) after the snapshot started: expected.</summary>
    ChangedAfterSnapshot,

    /// <summary>Different, yet the live file has not changed since the snapshot started: the copy is wrong.</summary>
    Differs,

    /// <summary>A live file older than the snapshot that the snapshot does not hold (full verify only).</summary>
    MissingFromSnapshot,
}

/// <summary>
/// <c>backup-runner verify [--snapshot S] [--sample N]</c>: compares SHA-256 of snapshot files (a random sample, or
/// all) with the live sources. A difference explained by a later change of the live file is reported as such; any
/// other difference fails the command. Without --sample it also looks for live files the snapshot should hold.
/// </summary>
public sealed class SnapshotVerifier(IOptions<BackupOptions> options, TimeProvider time, ILogger<SnapshotVerifier> logger)
{
    private const int ListedPerOutcome = 20;

    public async Task<int> VerifyAsync(BackupCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var settings = options.Value;
        using var readLock = SnapshotReadLock.Take(settings.Destination!, time, logger);
        var store = SnapshotStore.For(settings, logger);
        var snapshot = store.Find(command.Snapshot ?? "latest");
        // A live file changed after this moment may differ from the copy; one changed before it must not.
        var startedAt = snapshot.Marker?.StartedAt ?? new DateTimeOffset(Directory.GetCreationTimeUtc(snapshot.Path), TimeSpan.Zero);
        var results = new ConcurrentBag<(VerifyOutcome Outcome, string Path)>();
        foreach (var (name, livePath) in settings.OrderedSources())
        {
            var copy = Path.Join(snapshot.Path, name);
            if (!Directory.Exists(copy))
            {
                logger.LogWarning("Snapshot {Snapshot} has no copy of source {Source}", snapshot.Name, name);
                continue;
            }

            var files = FileTree.Walk(copy, cancellationToken).Where(e => e.Status.IsRegularFile).Select(e => e.RelativePath).ToList();
            var chosen = files;
            if (command.Sample > 0 && command.Sample < files.Count)
            {
                var shuffled = files.ToArray();
                Random.Shared.Shuffle(shuffled);
                chosen = shuffled.Take(command.Sample).ToList();
            }

            logger.LogInformation("Comparing {Count} of {Total} files of {Source} in {Snapshot} with {Live}", chosen.Count, files.Count, name, snapshot.Name, livePath);
            await Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (relative, ct) =>
                results.Add((await CompareAsync(Path.Join(copy, relative), Path.Join(livePath, relative), startedAt, ct), $"{name}/{relative}")));

            if (command.Sample == 0)
            {
                var held = files.ToHashSet(StringComparer.Ordinal);
                foreach (var live in FileTree.Walk(livePath, cancellationToken))
                {
                    if (live.Status.IsRegularFile && live.Status.ChangedAt < startedAt && !held.Contains(live.RelativePath))
                    {
                        results.Add((VerifyOutcome.MissingFromSnapshot, $"{name}/{live.RelativePath}"));
                    }
                }
            }
        }

        var report = Report(snapshot.Name, results);
        await Console.Out.WriteAsync(report);
        var bad = results.Count(r => r.Outcome is VerifyOutcome.Differs or VerifyOutcome.MissingFromSnapshot);
        if (bad > 0)
        {
            logger.LogError("Verify of {Snapshot}: {Bad} files differ from the live source without having changed after the snapshot", snapshot.Name, bad);
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    private static async Task<VerifyOutcome> CompareAsync(string copy, string live, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var liveStatus = NativeFileSystem.TryStat(live);
        if (liveStatus is not { IsRegularFile: true } status)
        {
            // Gone, or now something else than a file: it was a file when the snapshot read it, so it changed since.
            return liveStatus is null || liveStatus.Value.ChangedAt >= startedAt ? VerifyOutcome.ChangedAfterSnapshot : VerifyOutcome.Differs;
        }

        var same = status.Size == new FileInfo(copy).Length;
        if (same)
        {
            var copyHash = await HashAsync(copy, cancellationToken);
            var liveHash = await HashAsync(live, cancellationToken);
            same = copyHash.AsSpan().SequenceEqual(liveHash);
        }

        if (same)
        {
            return VerifyOutcome.Identical;
        }

        // ctime moves on every write and rename, and no tool can set it back, unlike mtime.
        return NativeFileSystem.TryStat(live) is { } now && now.ChangedAt >= startedAt ? VerifyOutcome.ChangedAfterSnapshot : VerifyOutcome.Differs;
    }

    private static async Task<byte[]> HashAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.SequentialScan, BufferSize = 0 });
            return await SHA256.HashDataAsync(file, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    private static string Report(string snapshot, IEnumerable<(VerifyOutcome Outcome, string Path)> results)
    {
        var byOutcome = results.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Select(r => r.Path).Order(StringComparer.Ordinal).ToList());
        int Count(VerifyOutcome o) => byOutcome.TryGetValue(o, out var l) ? l.Count : 0;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"verify {snapshot}: {Count(VerifyOutcome.Identical)} identical, {Count(VerifyOutcome.ChangedAfterSnapshot)} changed after the snapshot, {Count(VerifyOutcome.Differs)} differ, {Count(VerifyOutcome.MissingFromSnapshot)} missing from the snapshot");
        foreach (var outcome in new[] { VerifyOutcome.Differs, VerifyOutcome.MissingFromSnapshot, VerifyOutcome.ChangedAfterSnapshot })
        {
            if (!byOutcome.TryGetValue(outcome, out var paths))
            {
                continue;
            }

            foreach (var path in paths.Take(ListedPerOutcome))
            {
                // A file name may hold a newline; one line per file even so.
                text.AppendLine(CultureInfo.InvariantCulture, $"  {Label(outcome)}: {path.Replace("\n", "\\n", StringComparison.Ordinal)}");
            }

            if (paths.Count > ListedPerOutcome)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  ... and {paths.Count - ListedPerOutcome} more {Label(outcome)}");
            }
        }

        return text.ToString();
    }

    private static string Label(VerifyOutcome outcome) => outcome switch
    {
        VerifyOutcome.Differs => "differs",
        VerifyOutcome.MissingFromSnapshot => "missing from the snapshot",
        _ => "changed after the snapshot",
    };
}
