using MailserverWorkers.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary><c>--check</c> against real rsync and folders: what a run needs is there, and the check writes nothing, not even the lock file.</summary>
public sealed class BackupCheckTests
{
    [Fact]
    public async Task Check_FindsRsyncTheSourcesAndAWritableDestination_AndWritesNothing()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "message"), 100);
        Directory.CreateDirectory(volumes.State);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());

        var run = await BackupRunnerEnvironment.RunAsync(environment, "--check");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("ok rsync (Backup__RsyncPath=rsync) runs", run.Output, StringComparison.Ordinal);
        Assert.Contains($"ok source data ({volumes.Data}) is a folder the runner may read", run.Output, StringComparison.Ordinal);
        Assert.Contains($"ok Backup__Destination {volumes.Destination} is a folder the runner may write to", run.Output, StringComparison.Ordinal);
        Assert.Empty(volumes.DestinationEntries());
        Assert.DoesNotContain("backup_", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachProblem_IsItsOwnFailedLine_AndTheOtherStepsStillRun()
    {
        using var volumes = new BackupVolumes();
        Directory.CreateDirectory(volumes.State);
        // A read-only file system: even root may not write there (access(2) answers EROFS).
        await BackupVolumes.RunAsync("mount", "-t", "tmpfs", "-o", "ro,size=1m", "backup-runner-test-ro", volumes.Destination);
        try
        {
            var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
            environment["Backup__RsyncPath"] = "/nonexistent/rsync";

            var run = await BackupRunnerEnvironment.RunAsync(environment, "--check");

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("FAILED rsync (Backup__RsyncPath=/nonexistent/rsync) runs: cannot start rsync (Backup__RsyncPath=/nonexistent/rsync)", run.Output, StringComparison.Ordinal);
            Assert.Contains($"FAILED source data ({volumes.Data}) is a folder the runner may read", run.Output, StringComparison.Ordinal);
            Assert.Contains($"ok source state ({volumes.State}) is a folder the runner may read", run.Output, StringComparison.Ordinal);
            Assert.Contains($"FAILED Backup__Destination {volumes.Destination} is a folder the runner may write to: {volumes.Destination} is not writable: Read-only file system", run.Output, StringComparison.Ordinal);
            Assert.Contains("Check: 1 passed, 3 failed", run.Output, StringComparison.Ordinal);
        }
        finally
        {
            await BackupVolumes.RunAsync("umount", volumes.Destination);
        }
    }
}
