using System.Diagnostics;
using MailserverWorkers.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>
/// The last good copy survives an operator's bad day, against real rsync on disk: an emptied or shrunken volume, a
/// clock moved a year forward or weeks back (libfaketime), a link planted where the runner writes as root, a
/// destination reached through a link into a source, and a hook that prints its environment.
/// </summary>
public sealed class SnapshotSafetyTests
{
    private const string Secret = "Marker-Secret-4b1f7";

    private static string Week => BackupRunnerEnvironment.Week(DateTimeOffset.UtcNow);

    private static Dictionary<string, string> Environment(BackupVolumes volumes)
    {
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment.Remove("Backup__Sources__state");
        return environment;
    }

    private static void Messages(BackupVolumes volumes, int count, int size)
    {
        for (var i = 0; i < count; i++)
        {
            BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", $"{1700000000 + i}.M{i}P1.host:2,S"), size);
        }
    }

    private static string[] SnapshotFiles(BackupVolumes volumes, string snapshot) =>
        [.. Directory.EnumerateFiles(Path.Join(volumes.Destination, snapshot, "data"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("emptied")]
    [InlineData("only lost+found")]
    public async Task AnEmptyVolume_NeverReplacesThisWeeksGoodSnapshot(string how)
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 3, 100);
        var environment = Environment(volumes);
        var first = await BackupRunnerEnvironment.RunAsync(environment);
        Assert.True(first.ExitCode == 0, first.ToString());
        var good = SnapshotFiles(volumes, Week);
        Directory.Delete(volumes.Data, recursive: true);
        Directory.CreateDirectory(volumes.Data);
        if (how == "only lost+found")
        {
            Directory.CreateDirectory(Path.Join(volumes.Data, "lost+found"));
        }

        // A daily schedule: the same week's snapshot would be replaced.
        var second = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Contains($"source data ({volumes.Data}) holds no regular file before the copy, but snapshot {Week} has 3 files, 300 bytes: an unmounted volume? Nothing was promoted or deleted", second.Output, StringComparison.Ordinal);
        Assert.Equal(good, SnapshotFiles(volumes, Week));
        // The partial the refused run prepared is left for the next run, never promoted.
        Assert.Equal([".backup-runner.lock", Week, Week + ".partial"], volumes.DestinationEntries());
        Assert.Contains("backup_last_run_success 0", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVolumeThatEmptiesDuringTheCopy_IsCaughtAfterIt_AndNothingIsPromoted()
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 3, 100);
        var environment = Environment(volumes);
        Assert.Equal(0, (await BackupRunnerEnvironment.RunAsync(environment)).ExitCode);
        var good = SnapshotFiles(volumes, Week);
        // rsync itself finds the volume gone: it went away after the check before the copy.
        var rsync = Path.Join(volumes.Root, "rsync-after-unmount");
        await File.WriteAllTextAsync(rsync, $"#!/bin/sh\nrm -rf {volumes.Data}/cur\nexec rsync \"$@\"\n");
        File.SetUnixFileMode(rsync, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        environment["Backup__RsyncPath"] = rsync;

        var run = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"source data ({volumes.Data}) holds no regular file during the copy, but snapshot {Week} has 3 files, 300 bytes", run.Output, StringComparison.Ordinal);
        Assert.Equal(good, SnapshotFiles(volumes, Week));
        Assert.Equal([".backup-runner.lock", Week, Week + ".partial"], volumes.DestinationEntries());
    }

    [Theory]
    [InlineData(10, 100, 4, 100, "50", false)]
    [InlineData(10, 100, 6, 100, "50", true)]
    [InlineData(10, 1000, 10, 10, "50", false)]
    [InlineData(10, 100, 4, 100, "70", true)]
    [InlineData(10, 100, 1, 100, "100", true)]
    public async Task AShrunkenSource_IsRefusedPastMaxShrinkPercent_ByFilesOrBytes(int files, int size, int filesNow, int sizeNow, string maxShrink, bool accepted)
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, files, size);
        var environment = Environment(volumes);
        environment["Backup__MaxShrinkPercent"] = maxShrink;
        Assert.Equal(0, (await BackupRunnerEnvironment.RunAsync(environment)).ExitCode);
        Directory.Delete(volumes.Data, recursive: true);
        Messages(volumes, filesNow, sizeNow);

        var run = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == (accepted ? 0 : 1), run.ToString());
        Assert.Equal(accepted ? filesNow : files, SnapshotFiles(volumes, Week).Length);
        if (!accepted)
        {
            Assert.Contains(
                $"source data ({volumes.Data}) shrank before the copy from {files} files, {files * size} bytes in snapshot {Week} to {filesNow} files, {filesNow * sizeNow} bytes, more than Backup__MaxShrinkPercent={maxShrink}",
                run.Output, StringComparison.Ordinal);
        }
    }

    private static Task<WorkerRun> RunWithClockAsync(Dictionary<string, string> environment, string offset)
    {
        // libfaketime moves the wall clock; the monotonic one stays, so timeouts still work.
        var withClock = new Dictionary<string, string>(environment) { ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1" };
        return WorkerProcess.RunAsync("backup-runner", withClock, timeout: TimeSpan.FromMinutes(3), launcher: ["faketime", "-f", offset]);
    }

    [Fact]
    public async Task AClockAYearFast_ThenPutRight_RefusesInsteadOfRotatingOrDeletingItsOwnSnapshot()
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 3, 100);
        var environment = Environment(volumes);
        environment["Backup__Keep"] = "1";
        var fast = await RunWithClockAsync(environment, "+365d");
        Assert.True(fast.ExitCode == 0, fast.ToString());
        var future = BackupRunnerEnvironment.Week(DateTimeOffset.UtcNow.AddDays(365));
        Assert.Equal([".backup-runner.lock", future], volumes.DestinationEntries());
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "1800000000.M9P1.host:2,"), 100);

        var putRight = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(putRight.ExitCode == 1, putRight.ToString());
        Assert.Matches($@"this run's clock says \S+, before the newest snapshot {future} finished \(\S+\): is the clock wrong, now or then\? Nothing was copied, replaced or deleted", putRight.Output);
        Assert.Equal([".backup-runner.lock", future], volumes.DestinationEntries());
        Assert.Equal(3, SnapshotFiles(volumes, future).Length);
    }

    [Theory]
    [InlineData("-14d")]
    [InlineData("-10m")]
    public async Task AClockBehindTheNewestSnapshot_Refuses_AndTheSnapshotStaysAsItWas(string offset)
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 3, 100);
        var environment = Environment(volumes);
        Assert.Equal(0, (await BackupRunnerEnvironment.RunAsync(environment)).ExitCode);
        var good = SnapshotFiles(volumes, Week);
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "1800000000.M9P1.host:2,"), 100);

        var slow = await RunWithClockAsync(environment, offset);

        Assert.True(slow.ExitCode == 1, slow.ToString());
        Assert.Contains($"before the newest snapshot {Week} finished", slow.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was copied, replaced or deleted", slow.Output, StringComparison.Ordinal);
        Assert.Equal(good, SnapshotFiles(volumes, Week));
        Assert.Equal([".backup-runner.lock", Week], volumes.DestinationEntries());
    }

    [Fact]
    public async Task ALockFilePlantedAsALink_IsRefused_AndWhatItPointsAtIsUntouched()
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 1, 100);
        var victim = Path.Join(volumes.Root, "precious.conf");
        await File.WriteAllTextAsync(victim, "precious\n");
        File.CreateSymbolicLink(Path.Join(volumes.Destination, ".backup-runner.lock"), victim);

        var run = await BackupRunnerEnvironment.RunAsync(Environment(volumes));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"{volumes.Destination}/.backup-runner.lock is a symbolic link: refused (the runner never writes its own files through a link; remove it)", run.Output, StringComparison.Ordinal);
        Assert.Equal("precious\n", await File.ReadAllTextAsync(victim));
    }

    [Fact]
    public async Task TheRunnersOwnFiles_AreReadableByTheOwnerOnly()
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 1, 100);

        Assert.Equal(0, (await BackupRunnerEnvironment.RunAsync(Environment(volumes))).ExitCode);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(volumes.Destination, ".backup-runner.lock")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(volumes.Destination, Week, SnapshotMarker.FileName)));
    }

    [Fact]
    public async Task ADestinationReachedThroughALinkIntoASource_IsRefused_BeforeAnythingIsCopied()
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 1, 100);
        var inside = Path.Join(volumes.Data, "backups");
        Directory.CreateDirectory(inside);
        var link = Path.Join(volumes.Root, "backups-link");
        File.CreateSymbolicLink(link, inside);
        var environment = Environment(volumes);
        environment["Backup__Destination"] = link;

        var run = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"source data ({volumes.Data}, really {volumes.Data}/) and Backup__Destination ({inside}/) contain one another", run.Output, StringComparison.Ordinal);
        Assert.Equal([".backup-runner.lock"], Directory.EnumerateFileSystemEntries(inside).Select(Path.GetFileName));
    }

    [Fact]
    public async Task HooksAndRsync_GetAMinimalEnvironment_SoAHookPrintingItsEnvironmentPrintsNoSecret()
    {
        using var volumes = new BackupVolumes();
        Messages(volumes, 1, 100);
        var rsyncEnvironment = Path.Join(volumes.Root, "rsync-environment");
        var rsync = Path.Join(volumes.Root, "rsync-wrapper");
        await File.WriteAllTextAsync(rsync, $"#!/bin/sh\nenv > {rsyncEnvironment}\nexec rsync \"$@\"\n");
        File.SetUnixFileMode(rsync, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = Environment(volumes);
        environment["Backup__PreCommand"] = "env";
        environment["Backup__RsyncPath"] = rsync;
        environment["Pushgateway__Username"] = "backup";
        environment["Pushgateway__Password"] = Secret;
        environment["UNRELATED_TOKEN"] = Secret;

        var run = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Backup__PreCommand: PATH=", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Pushgateway__", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Backup__Sources", run.Output, StringComparison.Ordinal);
        var seenByRsync = await File.ReadAllTextAsync(rsyncEnvironment);
        Assert.Contains("PATH=", seenByRsync, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, seenByRsync, StringComparison.Ordinal);
        Assert.DoesNotContain("__", seenByRsync, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UptimeKuma_HearsUpWithTheSnapshotsFigures_AndDownWithWhatFailed()
    {
        await using var kuma = await MailserverWorkers.Testing.StandIns.UptimeKumaStandIn.StartAsync();
        using var volumes = new BackupVolumes();
        Messages(volumes, 2, 100);
        var environment = Environment(volumes);
        environment["UptimeKuma__PushUrl"] = kuma.PushUrl.ToString();

        var good = await BackupRunnerEnvironment.RunAsync(environment);
        Directory.Delete(Path.Join(volumes.Data, "cur"), recursive: true);
        var bad = await BackupRunnerEnvironment.RunAsync(environment);

        Assert.True(good.ExitCode == 0 && bad.ExitCode == 1, good.ToString() + bad);
        var beats = kuma.Heartbeats.ToArray();
        Assert.Equal(2, beats.Length);
        Assert.True(beats[0].Up);
        Assert.Equal($"snapshot {Week} complete: 2 files, 200 bytes, 200 bytes new, 1 kept", beats[0].Message);
        Assert.False(beats[1].Up);
        Assert.StartsWith($"backup failed: source data ({volumes.Data}) holds no regular file before the copy", beats[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MailserverWorkers.Testing.StandIns.UptimeKumaStandIn.Token, good.Output + bad.Output, StringComparison.Ordinal);
    }
}
