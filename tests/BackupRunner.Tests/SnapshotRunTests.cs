using MailserverWorkers.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>backup-runner run with Debian's rsync over real file trees: snapshots, links, restore, metrics on the real Pushgateway.</summary>
public sealed class SnapshotRunTests
{
    private static readonly DateTimeOffset Week15 = new(2026, 4, 6, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TwoWeeklyRuns_ShareEveryUnchangedFile_AndARestoreReproducesTheSourceExactly()
    {
        using var volumes = new BackupVolumes();
        await volumes.MakeMailVolumeAsync();
        var name = TestNames.Unique();
        var environment = BackupRunnerEnvironment.For(volumes, name);
        var time = new FakeTimeProvider(Week15);

        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));
        const string added = "data/example.test/alice/new/1700000200.M1P7.mail";
        BackupVolumes.WriteRandom(Path.Join(volumes.Sources, added), 12_345);
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));

        Assert.Equal([".backup-runner.lock", "2026-W15", "2026-W16"], volumes.DestinationEntries());
        var first = await TreeListing.ReadAsync(Path.Join(volumes.Destination, "2026-W15"));
        var second = await TreeListing.ReadAsync(Path.Join(volumes.Destination, "2026-W16"));
        // Measured with the inodes and link counts find reports: only the new message (and the marker) is not a hard link into 2026-W15.
        var firstInodes = first.Entries.Where(e => e.Type == 'f').Select(e => e.Inode).ToHashSet();
        var unshared = second.Entries.Where(e => e.Type == 'f' && !firstInodes.Contains(e.Inode)).Select(e => e.Path).ToList();
        Assert.Equal([".backup-runner.json", added], unshared);
        Assert.All(second.Entries.Where(e => e.Type == 'f' && !unshared.Contains(e.Path)), e => Assert.True(e.Links >= 2, $"{e.Path} has {e.Links} links"));
        Assert.Equal(12_345, BackupRunnerEnvironment.Marker(Path.Join(volumes.Destination, "2026-W16")).NewBytes);
        Assert.Equal(12_345, await BackupRunnerEnvironment.PushedAsync(name + "-backup", "backup_new_bytes"));
        Assert.Equal(2, await BackupRunnerEnvironment.PushedAsync(name + "-backup", "backup_snapshots"));
        var sparse = second["state/lib-rspamd/bayes.spam.sqlite"];
        Assert.Equal(1L << 30, sparse.Size);
        Assert.True(sparse.Blocks * 512 < 1 << 20, $"the sparse file takes {sparse.Blocks * 512} bytes in the snapshot");

        var target = Path.Join(volumes.Root, "restored");
        var restore = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", "2026-W16", "--target", target);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        var source = await TreeListing.ReadAsync(volumes.Sources);
        var restored = await TreeListing.ReadAsync(target);
        TreeListing.AssertSame(source, restored);
        Assert.Equal(source.HardLinkGroups(), restored.HardLinkGroups());
        Assert.Equal(2, restored.HardLinkGroups().Count);
        Assert.Equal(source.Attributes, restored.Attributes);
        Assert.Contains("user.mail.origin=", restored.Attributes, StringComparison.Ordinal);
        Assert.Contains("system.posix_acl_access=", restored.Attributes, StringComparison.Ordinal);
        Assert.True(restored["state/lib-rspamd/bayes.spam.sqlite"].Blocks * 512 < 1 << 20, "the restored sparse file is sparse");
        Assert.Equal('p', restored["state/spool-postfix/public/pickup"].Type);
    }

    [Fact]
    public async Task ARunInTheSameWeek_ReplacesThatWeeksSnapshot_AndLeavesNothingElse()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "one"), 1000);
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());

        var first = await BackupRunnerEnvironment.RunAsync(environment);
        File.Delete(Path.Join(volumes.Data, "cur", "one"));
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "two"), 2000);
        var second = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var week = BackupRunnerEnvironment.Week(DateTimeOffset.UtcNow);
        Assert.Equal([".backup-runner.lock", week], volumes.DestinationEntries());
        Assert.Equal(["two"], Directory.GetFiles(Path.Join(volumes.Destination, week, "data", "cur")).Select(Path.GetFileName));
        Assert.Contains($"Replaced this week's earlier snapshot {week}", second.Output, StringComparison.Ordinal);
        Assert.Equal(2000, second.LoggedMetric("backup_new_bytes"));
        Assert.Equal(1, second.LoggedMetric("backup_snapshots"));
    }

    [Fact]
    public async Task RetentionKeepsTheNewestN_AndNeverTouchesWhatIsNotItsOwn()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "message"), 500);
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__Keep"] = "2";
        // Foreign things: a folder named like a snapshot without a marker, another runner's snapshot, a stray
        // partial without a marker, lost+found, a file, and a link named like a snapshot pointing at real data.
        var foreign = Path.Join(volumes.Root, "foreign-target");
        BackupVolumes.WriteRandom(Path.Join(foreign, "precious"), 100);
        BackupVolumes.WriteRandom(Path.Join(volumes.Destination, "2026-W01", "data", "old"), 100);
        BackupVolumes.WriteRandom(Path.Join(volumes.Destination, "2026-W02", "html", "index.php"), 100);
        new SnapshotMarker { Name = "roundcube", StartedAt = Week15.AddDays(-90), FinishedAt = Week15.AddDays(-90) }.WriteTo(Path.Join(volumes.Destination, "2026-W02"));
        BackupVolumes.WriteRandom(Path.Join(volumes.Destination, "2026-W03.partial", "data", "x"), 100);
        Directory.CreateDirectory(Path.Join(volumes.Destination, "lost+found"));
        await File.WriteAllTextAsync(Path.Join(volumes.Destination, "README.txt"), "weekly backups\n");
        File.CreateSymbolicLink(Path.Join(volumes.Destination, "2026-W04"), foreign);
        var foreignBefore = (await TreeListing.ReadAsync(volumes.Destination)).Comparable().Where(l => !l.StartsWith("2026-W1", StringComparison.Ordinal) && !l.StartsWith(".backup-runner", StringComparison.Ordinal)).ToList();

        var time = new FakeTimeProvider(Week15);
        for (var week = 0; week < 4; week++)
        {
            Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));
            time.Advance(TimeSpan.FromDays(7));
        }

        Assert.Equal([".backup-runner.lock", "2026-W01", "2026-W02", "2026-W03.partial", "2026-W04", "2026-W17", "2026-W18", "README.txt", "lost+found"], volumes.DestinationEntries());
        var foreignAfter = (await TreeListing.ReadAsync(volumes.Destination)).Comparable().Where(l => !l.StartsWith("2026-W1", StringComparison.Ordinal) && !l.StartsWith(".backup-runner", StringComparison.Ordinal)).ToList();
        Assert.Equal(foreignBefore, foreignAfter);
        Assert.True(File.Exists(Path.Join(foreign, "precious")));
        // Each week links to the one before: the message is one inode across both kept snapshots.
        var w17 = NativeFileSystem.Stat(Path.Join(volumes.Destination, "2026-W17", "data", "cur", "message"));
        var w18 = NativeFileSystem.Stat(Path.Join(volumes.Destination, "2026-W18", "data", "cur", "message"));
        Assert.Equal(w17.Identity, w18.Identity);
        Assert.Equal(2, await BackupRunnerEnvironment.PushedAsync(environment["Backup__Name"] + "-backup", "backup_snapshots"));
    }

    [Fact]
    public async Task LegacyWeekNames_AdoptTheShellCronJobsBackups_AsLinkBaseAndForRotation()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "message"), 4096);
        BackupVolumes.WriteRandom(Path.Join(volumes.State, "dovecot.index"), 100);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__Naming"] = "legacy-week";
        environment["Backup__AdoptExisting"] = "true";
        environment["Backup__Keep"] = "1";
        // What the shell CronJob left: rsync -aH of the same sources into <%Y-%W>/{data,state}.
        var old = Path.Join(volumes.Destination, "2026-13");
        Directory.CreateDirectory(old);
        await BackupVolumes.RunAsync("rsync", "-aH", volumes.Data + "/", Path.Join(old, "data") + "/");
        await BackupVolumes.RunAsync("rsync", "-aH", volumes.State + "/", Path.Join(old, "state") + "/");
        var oldInode = NativeFileSystem.Stat(Path.Join(old, "data", "cur", "message")).Identity;

        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, new FakeTimeProvider(Week15)));

        // 2026-04-06 is in week 14 by %W (weeks from the first Monday).
        Assert.Equal([".backup-runner.lock", "2026-14"], volumes.DestinationEntries());
        Assert.Equal(oldInode, NativeFileSystem.Stat(Path.Join(volumes.Destination, "2026-14", "data", "cur", "message")).Identity);
        Assert.Equal(0, BackupRunnerEnvironment.Marker(Path.Join(volumes.Destination, "2026-14")).NewBytes);
    }

    [Fact]
    public async Task WithoutAdoptExisting_OldBackupsAreLeftAlone()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "message"), 4096);
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__Naming"] = "legacy-week";
        environment["Backup__Keep"] = "1";
        BackupVolumes.WriteRandom(Path.Join(volumes.Destination, "2026-13", "data", "cur", "message"), 4096);

        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, new FakeTimeProvider(Week15)));

        Assert.Equal([".backup-runner.lock", "2026-13", "2026-14"], volumes.DestinationEntries());
        Assert.Equal(4096, BackupRunnerEnvironment.Marker(Path.Join(volumes.Destination, "2026-14")).NewBytes);
    }

    [Fact]
    public async Task MetricsGoToTheRealPushgateway_AndAFailedRunKeepsTheLastSuccess()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "a"), 3000);
        BackupVolumes.WriteRandom(Path.Join(volumes.State, "b"), 1000);
        var name = TestNames.Unique();
        var environment = BackupRunnerEnvironment.For(volumes, name);
        var job = name + "-backup";

        var good = await BackupRunnerEnvironment.RunAsync(environment);
        var lastSuccess = await BackupRunnerEnvironment.PushedAsync(job, "backup_last_success_timestamp_seconds");
        Directory.Delete(volumes.State, recursive: true);
        var bad = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal(1, bad.ExitCode);
        Assert.NotNull(lastSuccess);
        Assert.InRange(lastSuccess.Value, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 120, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(lastSuccess, await BackupRunnerEnvironment.PushedAsync(job, "backup_last_success_timestamp_seconds"));
        Assert.Equal(0, await BackupRunnerEnvironment.PushedAsync(job, "backup_last_run_success"));
        Assert.Equal(1, await BackupRunnerEnvironment.PushedAsync(job, "backup_snapshots"));
        Assert.Equal(4000, good.LoggedMetric("backup_read_bytes"));
        Assert.Equal(4000, good.LoggedMetric("backup_written_bytes"));
        Assert.Equal(4000, good.LoggedMetric("backup_output_bytes"));
        Assert.Equal(2, good.LoggedMetric("backup_files"));
        Assert.Contains($"/metrics/job/{job}", good.Output, StringComparison.Ordinal);
    }
}

internal static class TestNames
{
    /// <summary>A Backup__Name of the test's own, so its metrics group on the shared Pushgateway is its own.</summary>
    public static string Unique() => "t" + Guid.NewGuid().ToString("n")[..10];
}
