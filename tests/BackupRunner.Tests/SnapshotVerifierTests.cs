namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>backup-runner verify and list against real snapshots.</summary>
public sealed class SnapshotVerifierTests
{
    // Taken when each test asks, not once per class: a run of the suite may cross Monday 00:00 UTC.
    private static string Week => BackupRunnerEnvironment.Week(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Verify_TellsALaterChangeFromACopyThatIsWrong()
    {
        using var volumes = new BackupVolumes();
        await volumes.MakeMailVolumeAsync();
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        Assert.Equal(0, (await BackupRunnerEnvironment.RunAsync(environment)).ExitCode);

        var clean = await BackupRunnerEnvironment.RunAsync(environment, "verify");

        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Matches($@"verify {Week}: \d+ identical, 0 changed after the snapshot, 0 differ, 0 missing from the snapshot", clean.Output);

        // Live changes after the snapshot: a flag rename, a deleted message, an index rewritten.
        var maildir = Path.Join(volumes.Data, "example.test", "bob");
        File.Move(Path.Join(maildir, "new", "17000001.M9P42.mail"), Path.Join(maildir, "cur", "17000001.M9P42.mail:2,S"));
        File.Delete(Path.Join(maildir, "cur", "170000003.M3P42.mail,S=1234,W=1260:2,S"));
        await File.AppendAllTextAsync(Path.Join(maildir, "dovecot.index"), "more\n");
        var changed = await BackupRunnerEnvironment.RunAsync(environment, "verify");

        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.Contains("3 changed after the snapshot, 0 differ", changed.Output, StringComparison.Ordinal);
        Assert.Contains("changed after the snapshot: data/example.test/bob/dovecot.index", changed.Output, StringComparison.Ordinal);

        // A snapshot copy that silently differs (same size, other bytes), and one that is missing.
        var copy = Path.Join(volumes.Destination, Week, "data", "example.test", "alice", ".Sent", "cur", "170000001.M1P42.mail,S=1234,W=1260:2,S");
        var bytes = await File.ReadAllBytesAsync(copy);
        bytes[^2] ^= 0x20;
        await File.WriteAllBytesAsync(copy, bytes);
        File.Delete(Path.Join(volumes.Destination, Week, "data", "odd", "ÄÖÜß"));
        var corrupt = await BackupRunnerEnvironment.RunAsync(environment, "verify");

        Assert.Equal(1, corrupt.ExitCode);
        Assert.Contains("1 differ, 1 missing from the snapshot", corrupt.Output, StringComparison.Ordinal);
        Assert.Contains("differs: data/example.test/alice/.Sent/cur/170000001.M1P42.mail,S=1234,W=1260:2,S", corrupt.Output, StringComparison.Ordinal);
        Assert.Contains("missing from the snapshot: data/odd/ÄÖÜß", corrupt.Output, StringComparison.Ordinal);

        var sample = await BackupRunnerEnvironment.RunAsync(environment, "verify", "--sample", "5");
        Assert.Matches(@"Comparing 5 of \d+ files of data", sample.Output);
    }

    [Fact]
    public async Task List_ShowsEachSnapshotsSizeAndWhatItAdded()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "a"), 10_000);
        BackupVolumes.WriteRandom(Path.Join(volumes.State, "b"), 5_000);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 4, 6, 3, 0, 0, TimeSpan.Zero));
        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "cur", "c"), 2_000);
        time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));

        var table = await BackupRunnerEnvironment.RunAsync(environment, "list");
        var json = await MailserverWorkers.Testing.WorkerProcess.RunAsync("backup-runner", environment, ["list", "--json"], captureStandardErrorSeparately: true);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"2026-W15\s+2026-04-06 03:00:00\s+2\s+14\.6 KiB\s+\S+ \S+\s+14\.6 KiB", table.Output);
        Assert.Matches(@"2026-W16\s+2026-04-13 03:00:00\s+3\s+16\.6 KiB\s+\S+ \S+\s+2\.0 KiB", table.Output);
        using var document = System.Text.Json.JsonDocument.Parse(json.Output);
        var rows = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(["2026-W15", "2026-W16"], rows.Select(r => r.GetProperty("snapshot").GetString()));
        Assert.Equal([15_000L, 2_000L], rows.Select(r => r.GetProperty("newBytes").GetInt64()));
    }
}
