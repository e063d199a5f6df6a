using System.Diagnostics;
using MailserverWorkers.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>
/// What goes wrong on a real mail volume, with Debian's rsync: files vanishing during the copy, rsync killed, a full
/// destination (a tmpfs this test mounts), two runs at once, a missing or emptied source, failing hook commands.
/// </summary>
public sealed class SnapshotFaultTests
{
    // Taken when each test asks, not once per class: a run of the suite may cross Monday 00:00 UTC.
    private static string Week => BackupRunnerEnvironment.Week(DateTimeOffset.UtcNow);

    [Fact]
    public async Task AMessageMovedFromNewToCurDuringTheCopy_IsAWarning_AndTheSecondPassKeepsIt()
    {
        using var volumes = new BackupVolumes();
        var maildir = Path.Join(volumes.Data, "example.test", "alice");
        // rsync copies cur/ before new/; a 1 MB message at 250 kB/s holds it in new/ for about 4 s.
        BackupVolumes.WriteRandom(Path.Join(maildir, "cur", "1700000001.M1P1.mail:2,S"), 2000);
        BackupVolumes.WriteRandom(Path.Join(maildir, "new", "1700000002.M2P1.mail"), 1_000_000);
        BackupVolumes.WriteRandom(Path.Join(maildir, "new", "1700000003.M3P1.mail"), 3000);
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__RsyncArguments"] = "--bwlimit=250";

        var running = BackupRunnerEnvironment.RunAsync(environment);
        // Dovecot reads the message while rsync copies the big one: new/ -> cur/ with flags.
        await WaitForAsync(() => Directory.Exists(Path.Join(volumes.Destination, Week + ".partial", "data", "example.test", "alice", "new"))
            && Directory.EnumerateFiles(Path.Join(volumes.Destination, Week + ".partial", "data", "example.test", "alice", "new"), ".1700000002*").Any());
        File.Move(Path.Join(maildir, "new", "1700000003.M3P1.mail"), Path.Join(maildir, "cur", "1700000003.M3P1.mail:2,S"));
        var run = await running;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("file has vanished", run.Output, StringComparison.Ordinal);
        Assert.Contains("a second pass for files moved during the first", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, run.LoggedMetric("backup_vanished_files"));
        var snapshot = Path.Join(volumes.Destination, Week, "data", "example.test", "alice");
        Assert.True(File.Exists(Path.Join(snapshot, "cur", "1700000003.M3P1.mail:2,S")), "the moved message is in the snapshot at its new name");
        Assert.False(File.Exists(Path.Join(snapshot, "new", "1700000003.M3P1.mail")));
    }

    [Fact]
    public async Task RsyncKilledMidRun_NeverPromotesThePartial_AndTheNextRunResumesAndCleansUp()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "a-small"), 10_000);
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "b-large"), 2_000_000);
        BackupVolumes.WriteRandom(Path.Join(volumes.State, "c"), 100);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__RsyncArguments"] = "--bwlimit=250";

        var running = BackupRunnerEnvironment.RunAsync(environment);
        await WaitForAsync(() => File.Exists(Path.Join(volumes.Destination, Week + ".partial", "data", "a-small")));
        var killed = KillRsync(volumes.Destination);
        var failed = await running;

        Assert.True(killed > 0, "rsync was running");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("rsync was killed by signal 9", failed.Output, StringComparison.Ordinal);
        Assert.Contains("No snapshot was promoted", failed.Output, StringComparison.Ordinal);
        Assert.Equal([".backup-runner.lock", Week + ".partial"], volumes.DestinationEntries());
        Assert.Null(SnapshotMarker.TryRead(Path.Join(volumes.Destination, Week + ".partial"))!.FinishedAt);

        environment.Remove("Backup__RsyncArguments");
        var next = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains($"Resuming from {Week}.partial", next.Output, StringComparison.Ordinal);
        Assert.Equal([".backup-runner.lock", Week], volumes.DestinationEntries());
        var source = await TreeListing.ReadAsync(volumes.Data);
        var copy = await TreeListing.ReadAsync(Path.Join(volumes.Destination, Week, "data"));
        TreeListing.AssertSame(source, copy);
        // A resumed partial's files count as new even though the killed run copied some of them.
        Assert.Equal(2_010_100, next.LoggedMetric("backup_new_bytes"));
    }

    [Fact]
    public async Task SigtermDuringTheCopy_Exits130_StopsRsync_AndLeavesOnlyThePartial()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "large"), 2_000_000);
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__RsyncArguments"] = "--bwlimit=250";

        // The signal goes once rsync itself runs (the line is logged just before it starts).
        var rsyncSeen = false;
        var run = await WorkerProcess.RunAsync("backup-runner", environment, terminateWhen: l => l.Contains("data: rsync -aH", StringComparison.Ordinal) && (rsyncSeen = WaitForRsync(volumes.Destination)));

        Assert.True(rsyncSeen, "rsync never ran");
        Assert.Equal(130, run.ExitCode);
        Assert.Equal(0, KillRsync(volumes.Destination));
        Assert.Equal([".backup-runner.lock", Week + ".partial"], volumes.DestinationEntries());
    }

    [Fact]
    public async Task AFullDestination_FailsWithRsyncsOwnMessage_AndKeepsTheEarlierSnapshotAndItsLastSuccess()
    {
        using var volumes = new BackupVolumes();
        // A 3 MiB tmpfs of this test's own, mounted over the destination folder.
        await BackupVolumes.RunAsync("mount", "-t", "tmpfs", "-o", "size=3m,mode=0755", "backup-runner-test-full", volumes.Destination);
        try
        {
            BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "first"), 1_000_000);
            Directory.CreateDirectory(volumes.State);
            var name = TestNames.Unique();
            var environment = BackupRunnerEnvironment.For(volumes, name);
            var first = await BackupRunnerEnvironment.RunAsync(environment);
            var lastSuccess = await BackupRunnerEnvironment.PushedAsync(name + "-backup", "backup_last_success_timestamp_seconds");
            BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "too-big"), 4_000_000);

            var full = await BackupRunnerEnvironment.RunAsync(environment);

            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Equal(1, full.ExitCode);
            Assert.Matches(@"The backup failed: source data: rsync exited with code (11|12|23): .*No space left on device", full.Output);
            Assert.Contains(Week + ".partial", volumes.DestinationEntries());
            Assert.Equal(["first"], Directory.GetFiles(Path.Join(volumes.Destination, Week, "data", "cur")).Select(Path.GetFileName));
            Assert.Equal(lastSuccess, await BackupRunnerEnvironment.PushedAsync(name + "-backup", "backup_last_success_timestamp_seconds"));
            Assert.Equal(0, await BackupRunnerEnvironment.PushedAsync(name + "-backup", "backup_last_run_success"));

            File.Delete(Path.Join(volumes.Data, "cur", "too-big"));
            var recovered = await BackupRunnerEnvironment.RunAsync(environment);

            Assert.True(recovered.ExitCode == 0, recovered.ToString());
            Assert.Equal([".backup-runner.lock", Week], volumes.DestinationEntries());
        }
        finally
        {
            await BackupVolumes.RunAsync("umount", volumes.Destination);
        }
    }

    [Fact]
    public async Task TwoRunsAtOnce_TheSecondExits3AndTouchesNothing()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "large"), 1_000_000);
        Directory.CreateDirectory(volumes.State);
        // The first run holds the lock for as long as the test says: its pre-command (run under the lock) waits for
        // a marker, so the second run starts while the first certainly holds it, whatever the machine's load.
        var markers = Directory.CreateTempSubdirectory("lock-test-").FullName;
        var (holding, release) = (Path.Join(markers, "holding"), Path.Join(markers, "release"));
        var holder = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        holder["Backup__PreCommand"] = $"sh -c 'touch {holding}; while [ ! -e {release} ]; do sleep 0.05; done'";

        var first = BackupRunnerEnvironment.RunAsync(holder);
        WorkerRun second;
        try
        {
            await WaitForAsync(() => File.Exists(holding));
            second = await BackupRunnerEnvironment.RunAsync(BackupRunnerEnvironment.For(volumes, holder["Backup__Name"]));
        }
        finally
        {
            await File.WriteAllTextAsync(release, "");
        }

        var firstRun = await first;
        Directory.Delete(markers, recursive: true);

        Assert.Equal(SnapshotRun.Locked, second.ExitCode);
        Assert.Matches(@"Another run holds .*\.backup-runner\.lock \(pid \d+ on .* since .*\); this run did nothing", second.Output);
        Assert.DoesNotContain("backup_last_run_success", second.Output, StringComparison.Ordinal);
        Assert.True(firstRun.ExitCode == 0, firstRun.ToString());
        Assert.Equal([".backup-runner.lock", Week], volumes.DestinationEntries());
    }

    [Fact]
    public async Task AMissingSource_FailsTheRunBeforeAnythingIsCopied()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "a"), 100);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());

        var run = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"source state ({volumes.State}) does not exist or is not a folder", run.Output, StringComparison.Ordinal);
        Assert.Equal([".backup-runner.lock"], volumes.DestinationEntries());
        Assert.Equal(0, run.LoggedMetric("backup_last_run_success"));
    }

    [Fact]
    public async Task ASourceThatWasFullAndIsNowEmpty_IsRefusedAsAnUnmountedVolume()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "message"), 100);
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        var first = await BackupRunnerEnvironment.RunAsync(environment);
        Directory.Delete(volumes.Data, recursive: true);
        Directory.CreateDirectory(volumes.Data);

        var emptied = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, emptied.ExitCode);
        Assert.Contains($"source data ({volumes.Data}) holds no regular file before the copy, but snapshot {Week} has 1 files, 100 bytes: an unmounted volume?", emptied.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Join(volumes.Destination, Week, "data", "cur", "message")));
    }

    [Fact]
    public async Task ThePostCommandRunsEvenWhenTheCopyFails_AndAFailingPreCommandStopsTheRun()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "a"), 100);
        Directory.CreateDirectory(volumes.State);
        var journal = Path.Join(volumes.Root, "journal");
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__PreCommand"] = $"sh -c 'echo quiesced >> \"$0\"' {journal}";
        environment["Backup__PostCommand"] = $"sh -c 'echo resumed >> \"$0\"' {journal}";
        environment["Backup__RsyncArguments"] = "--exclude-from=/nonexistent/excludes";

        var copyFailed = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(copyFailed.ExitCode == 1 && copyFailed.Output.Contains("rsync exited with code 11", StringComparison.Ordinal), copyFailed.ToString());
        Assert.Equal(["quiesced", "resumed"], await File.ReadAllLinesAsync(journal));

        environment.Remove("Backup__RsyncArguments");
        environment["Backup__PreCommand"] = "sh -c 'echo cannot flush >&2; exit 4'";
        var preFailed = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.Equal(1, preFailed.ExitCode);
        Assert.Contains("Backup__PreCommand exited with code 4: cannot flush", preFailed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Copying data", preFailed.Output, StringComparison.Ordinal);
        // The partial is the one the failed copy left, for the next run to resume; no snapshot was promoted.
        Assert.Equal([".backup-runner.lock", Week + ".partial"], volumes.DestinationEntries());

        environment["Backup__PreCommand"] = "sleep 30";
        environment["Backup__CommandTimeout"] = "00:00:01";
        var preHung = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.Equal(1, preHung.ExitCode);
        Assert.Contains("Backup__PreCommand did not finish within 00:00:01 and was killed", preHung.Output, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting for the run to get there");
            await Task.Delay(20);
        }
    }

    /// <summary>SIGKILLs every rsync process whose command line names <paramref name="destination"/>.</summary>
    internal static bool WaitForRsync(string destination)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until)
        {
            if (RsyncProcesses(destination).Count > 0)
            {
                return true;
            }

            Thread.Sleep(20);
        }

        return false;
    }

    internal static int KillRsync(string destination)
    {
        var killed = 0;
        foreach (var pid in RsyncProcesses(destination))
        {
            try
            {
                Process.GetProcessById(pid).Kill();
                killed++;
            }
            catch (ArgumentException)
            {
            }
        }

        return killed;
    }

    /// <summary>The rsync processes whose command line names <paramref name="destination"/>.</summary>
    private static List<int> RsyncProcesses(string destination)
    {
        var found = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Join(folder, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }

            if (commandLine.StartsWith("rsync\0", StringComparison.Ordinal) && commandLine.Contains(destination, StringComparison.Ordinal))
            {
                found.Add(int.Parse(Path.GetFileName(folder), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return found;
    }
}
