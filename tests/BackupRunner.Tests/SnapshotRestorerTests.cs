namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>backup-runner restore with Debian's rsync: one path, one source, and the non-empty target rule.</summary>
public sealed class SnapshotRestorerTests
{
    // Taken when each test asks, not once per class: a run of the suite may cross Monday 00:00 UTC.
    private static string Week => BackupRunnerEnvironment.Week(DateTimeOffset.UtcNow);

    [Fact]
    public async Task OnePath_OneFile_AndTheNonEmptyTargetRule()
    {
        using var volumes = new BackupVolumes();
        await volumes.MakeMailVolumeAsync();
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        var backup = await BackupRunnerEnvironment.RunAsync(environment);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var target = Path.Join(volumes.Root, "alice");

        var maildir = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", "latest", "--source", "data", "--path", "example.test/alice/.Entwürfe", "--target", target);

        Assert.True(maildir.ExitCode == 0, maildir.ToString());
        var source = await TreeListing.ReadAsync(Path.Join(volumes.Data, "example.test/alice/.Entwürfe"));
        TreeListing.AssertSame(source, await TreeListing.ReadAsync(target));

        var refused = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", Week, "--source", "state", "--target", target);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"--target {target} is not empty; restore writes into it only with --force", refused.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Join(target, "lib-rspamd")));

        var key = "config/opendkim/keys/example.test/mail.private";
        var forced = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", Week, "--source", "state", "--path", key, "--target", target, "--force");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        var restoredKey = (await TreeListing.ReadAsync(target))["mail.private"];
        var sourceKey = (await TreeListing.ReadAsync(volumes.State))[key];
        Assert.Equal((sourceKey.Mode, sourceKey.Owner, sourceKey.Group, sourceKey.ModifiedAt, sourceKey.ContentHash), (restoredKey.Mode, restoredKey.Owner, restoredKey.Group, restoredKey.ModifiedAt, restoredKey.ContentHash));
        Assert.True(Directory.Exists(Path.Join(target, "cur")), "--force deletes nothing that was there");
    }

    [Fact]
    public async Task AnUnknownSnapshotOrSource_IsAClearFailure()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "a"), 10);
        File.CreateSymbolicLink(Path.Join(volumes.Data, "escape"), "/etc");
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        Assert.Equal(0, (await BackupRunnerEnvironment.RunAsync(environment)).ExitCode);
        var target = Path.Join(volumes.Root, "target");

        var noSnapshot = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", "2020-W01", "--target", target);
        var noSource = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", Week, "--source", "logs", "--target", target);
        var escape = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", Week, "--source", "data", "--path", "../../etc", "--target", target);

        Assert.Equal(1, noSnapshot.ExitCode);
        Assert.Contains($"no completed snapshot '2020-W01' in {volumes.Destination} (there are: {Week})", noSnapshot.Output, StringComparison.Ordinal);
        Assert.Equal(1, noSource.ExitCode);
        Assert.Contains($"snapshot {Week} has no source 'logs' (it holds data, state)", noSource.Output, StringComparison.Ordinal);
        var throughLink = await BackupRunnerEnvironment.RunAsync(environment, "restore", "--snapshot", Week, "--source", "data", "--path", "escape/hostname", "--target", target);

        Assert.Equal(1, throughLink.ExitCode);
        Assert.Contains($"data/escape in snapshot {Week} is not a folder", throughLink.Output, StringComparison.Ordinal);
        Assert.Equal(2, escape.ExitCode);
        Assert.Contains("--path: must be a path inside the source, without '..'", escape.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }
}
