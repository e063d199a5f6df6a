using System.Text.RegularExpressions;
using MailserverWorkers.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>The options README promises, each against real rsync on disk: what each one changes, seen from outside the runner.</summary>
public sealed class SnapshotOptionsTests
{
    private static string Week => BackupRunnerEnvironment.Week(DateTimeOffset.UtcNow);

    private static (BackupVolumes Volumes, Dictionary<string, string> Environment) Volumes(int bytes = 100)
    {
        var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "message"), bytes);
        Directory.CreateDirectory(volumes.State);
        return (volumes, BackupRunnerEnvironment.For(volumes, TestNames.Unique()));
    }

    [Fact]
    public async Task RefuseEmptiedSourceFalse_AndNoShrinkLimit_LetAnEmptiedSourceThrough_ButNotEitherAlone()
    {
        var (volumes, environment) = Volumes();
        using var _ = volumes;
        var first = await BackupRunnerEnvironment.RunAsync(environment);
        Directory.Delete(volumes.Data, recursive: true);
        Directory.CreateDirectory(volumes.Data);

        environment["Backup__RefuseEmptiedSource"] = "false";
        var shrinkStillRefuses = await BackupRunnerEnvironment.RunAsync(environment);
        environment["Backup__MaxShrinkPercent"] = "100";
        var through = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(shrinkStillRefuses.ExitCode == 1, shrinkStillRefuses.ToString());
        Assert.Contains("Backup__MaxShrinkPercent", shrinkStillRefuses.Output, StringComparison.Ordinal);
        Assert.True(through.ExitCode == 0, through.ToString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(volumes.Destination, Week, "data")));
    }

    [Fact]
    public async Task Sync_FlushesTheDestinationBeforePromoting_AndFalseLeavesItToTheKernel()
    {
        var (volumes, environment) = Volumes();
        using var _ = volumes;
        // strace shows the one system call the key is about.
        string[] strace = ["strace", "-f", "-e", "trace=syncfs", "-o", Path.Join(volumes.Root, "trace")];

        var synced = await WorkerProcess.RunAsync("backup-runner", environment, timeout: TimeSpan.FromMinutes(3), launcher: strace);
        var syncCalls = File.ReadLines(Path.Join(volumes.Root, "trace")).Count(l => l.Contains("syncfs(", StringComparison.Ordinal));
        environment["Backup__Sync"] = "false";
        var unsynced = await WorkerProcess.RunAsync("backup-runner", environment, timeout: TimeSpan.FromMinutes(3), launcher: strace);
        var unsyncedCalls = File.ReadLines(Path.Join(volumes.Root, "trace")).Count(l => l.Contains("syncfs(", StringComparison.Ordinal));

        Assert.True(synced.ExitCode == 0, synced.ToString());
        Assert.True(unsynced.ExitCode == 0, unsynced.ToString());
        Assert.True(syncCalls > 0, "no syncfs with Backup__Sync=true");
        Assert.Equal(0, unsyncedCalls);
    }

    [Fact]
    public async Task IoTimeout_IsRsyncsTimeout_AndProgressIsLoggedAtItsInterval()
    {
        var (volumes, environment) = Volumes(bytes: 1_500_000);
        using var _ = volumes;
        environment["Backup__IoTimeout"] = "00:00:37";
        environment["Backup__ProgressInterval"] = "00:00:01";
        environment["Backup__RsyncArguments"] = "--bwlimit=300";

        var run = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"data: rsync -aH .*--timeout=37( |$)", run.Output);
        // About five seconds at 300 KB/s: several progress lines, each with bytes, share, rate and elapsed time.
        var progress = run.Lines.Where(l => Regex.IsMatch(l, @"data: copied \d[\d,]* +\d+% +[\d.]+[kMG]?B/s +\d+:\d\d:\d\d")).ToList();
        Assert.True(progress.Count >= 2, run.ToString());
    }

    [Fact]
    public async Task ADestinationWithoutAclsOrXattrs_IsCopiedWithoutThem_WhereTheDefaultDiskKeepsBoth()
    {
        var (volumes, environment) = Volumes();
        using var _ = volumes;
        var kept = await BackupRunnerEnvironment.RunAsync(environment);
        // ramfs keeps neither POSIX ACLs nor user extended attributes.
        var bare = Path.Join(volumes.Root, "ramfs");
        Directory.CreateDirectory(bare);
        await BackupVolumes.RunAsync("mount", "-t", "ramfs", "backup-runner-test-ramfs", bare);
        try
        {
            environment["Backup__Destination"] = bare;
            var withoutThem = await BackupRunnerEnvironment.RunAsync(environment);

            Assert.True(kept.ExitCode == 0, kept.ToString());
            Assert.Matches(@"data: rsync -aH .* --acls --xattrs ", kept.Output);
            Assert.True(withoutThem.ExitCode == 0, withoutThem.ToString());
            var command = Assert.Single(withoutThem.Lines, l => l.Contains("data: rsync -aH", StringComparison.Ordinal));
            Assert.DoesNotContain("--acls", command, StringComparison.Ordinal);
            Assert.DoesNotContain("--xattrs", command, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Join(bare, Week, "data", "cur", "message")));
        }
        finally
        {
            await BackupVolumes.RunAsync("umount", bare);
        }
    }

    [Fact]
    public async Task AFailedRun_DeletesNoOldSnapshot_TheNextCompleteOneRotates()
    {
        var (volumes, environment) = Volumes();
        using var _ = volumes;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 4, 6, 3, 0, 0, TimeSpan.Zero));
        for (var week = 0; week < 3; week++)
        {
            Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));
            time.Advance(TimeSpan.FromDays(7));
        }

        environment["Backup__Keep"] = "1";
        environment["Backup__PreCommand"] = "false";
        var failed = await BackupRunnerEnvironment.RunAtAsync(environment, time);
        var afterFailure = volumes.DestinationEntries();
        environment.Remove("Backup__PreCommand");
        var complete = await BackupRunnerEnvironment.RunAtAsync(environment, time);

        Assert.Equal(1, failed);
        Assert.Equal([".backup-runner.lock", "2026-W15", "2026-W16", "2026-W17"], afterFailure);
        Assert.Equal(0, complete);
        Assert.Equal([".backup-runner.lock", "2026-W18"], volumes.DestinationEntries());
    }

    [Fact]
    public async Task ARunKilledOutright_LeavesNoLockBehind_TheNextRunCompletes()
    {
        var (volumes, environment) = Volumes(bytes: 2_000_000);
        using var _ = volumes;
        environment["Backup__RsyncArguments"] = "--bwlimit=250";
        var rsyncSeen = false;

        var killed = await WorkerProcess.RunAsync(
            "backup-runner", environment, terminateWhen: l => l.Contains("data: rsync -aH", StringComparison.Ordinal) && (rsyncSeen = SnapshotFaultTests.WaitForRsync(volumes.Destination)), signal: "KILL");
        // rsync outlives its killed parent only until its pipe breaks; make sure it is gone before the next run.
        SnapshotFaultTests.KillRsync(volumes.Destination);
        environment.Remove("Backup__RsyncArguments");
        var next = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(rsyncSeen, "rsync never ran");
        Assert.Equal(137, killed.ExitCode);
        Assert.True(File.Exists(Path.Join(volumes.Destination, ".backup-runner.lock")), "the lock file stays; the lock on it does not");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal([".backup-runner.lock", Week], volumes.DestinationEntries());
    }
}
