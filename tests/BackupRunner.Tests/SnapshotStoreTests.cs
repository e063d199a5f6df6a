using MailserverWorkers.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>The states a run killed between two renames leaves, made on disk, and what the next run's recovery does with them.</summary>
public sealed class SnapshotStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 4, 6, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Recover_RestoresASnapshotWhoseReplacementWasCutShort_AndFinishesDeletions_AndLeavesForeignFoldersAlone()
    {
        using var volumes = new BackupVolumes();
        // Killed between "W15 -> W15.superseded" and "partial -> W15": W15.superseded is still the complete one.
        MakeSnapshot(volumes, "2026-W15.superseded", "mailserver");
        // Killed after the replacement but before the old copy was deleted.
        MakeSnapshot(volumes, "2026-W14", "mailserver");
        MakeSnapshot(volumes, "2026-W14.superseded", "mailserver");
        // Killed in the middle of a deletion (the marker goes last, so it is still there).
        MakeSnapshot(volumes, "2026-W10.deleting", "mailserver");
        // Not ours: no marker, and another runner's.
        BackupVolumes.WriteRandom(Path.Join(volumes.Destination, "2026-W11.deleting", "data", "x"), 10);
        MakeSnapshot(volumes, "2026-W12.superseded", "roundcube");
        var store = Store(volumes);

        store.Recover();

        Assert.Equal(["2026-W11.deleting", "2026-W12.superseded", "2026-W14", "2026-W15"], volumes.DestinationEntries());
        Assert.Equal(["2026-W14", "2026-W15"], store.Completed().Select(s => s.Name));
        Assert.True(File.Exists(Path.Join(volumes.Destination, "2026-W15", "data", "message")));
    }

    [Fact]
    public void Prune_DeletesItsOwnOldestSnapshots_ReadOnlyFoldersIncluded_KeepingTheNewest()
    {
        using var volumes = new BackupVolumes();
        foreach (var week in new[] { "2026-W12", "2026-W13", "2026-W14" })
        {
            MakeSnapshot(volumes, week, "mailserver");
            // Snapshots keep the sources' modes: a read-only folder with a read-only file in it.
            var locked = Path.Join(volumes.Destination, week, "data", "locked");
            BackupVolumes.WriteRandom(Path.Join(locked, "file"), 10);
            File.SetUnixFileMode(Path.Join(locked, "file"), UnixFileMode.UserRead);
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        // As root the folders' modes would not matter: the pruning runs without root's permission override.
        IReadOnlyList<string> deleted = [];
        WithoutRootsOverride.Run(() => deleted = Store(volumes).Prune(keep: 1, madeNow: ""));

        Assert.Equal(["2026-W12", "2026-W13"], deleted);
        Assert.Equal(["2026-W14"], volumes.DestinationEntries());
    }

    [Fact]
    public void AFolderOfThisWeekThatIsNotOurs_StopsTheRunBeforeAnythingIsCopied()
    {
        using var volumes = new BackupVolumes();
        MakeSnapshot(volumes, "2026-W15", "roundcube");

        var e = Assert.Throws<BackupFailedException>(() => Store(volumes).PreparePartial("2026-W15", new SnapshotMarker { Name = "mailserver", StartedAt = Start }));

        Assert.Contains("2026-W15 exists but is not a snapshot of this runner (Backup__Name=mailserver)", e.Message, StringComparison.Ordinal);
        Assert.Equal(["2026-W15"], volumes.DestinationEntries());
    }

    private static SnapshotStore Store(BackupVolumes volumes) =>
        new(volumes.Destination, SnapshotNaming.IsoWeek, "mailserver", ["data", "state"], adoptExisting: false, new RecordingLogger<SnapshotStore>());

    [Fact]
    public void Prune_GoesByFinishTime_NotByName_AndNeverDeletesTheSnapshotJustMade()
    {
        using var volumes = new BackupVolumes();
        // 2027-W11 was made first, by a run whose clock was a year fast; the other two after the clock was put right.
        MakeSnapshot(volumes, "2027-W11", "mailserver", Start);
        MakeSnapshot(volumes, "2026-W14", "mailserver", Start.AddDays(7));
        MakeSnapshot(volumes, "2026-W15", "mailserver", Start.AddDays(14));

        Assert.Equal(["2027-W11", "2026-W14", "2026-W15"], Store(volumes).Completed().Select(s => s.Name));
        Assert.Equal(["2027-W11"], Store(volumes).Prune(keep: 2, madeNow: "2026-W15"));
        // Keep=1 would take the oldest by time, 2026-W14; made by this run, it stays.
        Assert.Empty(Store(volumes).Prune(keep: 1, madeNow: "2026-W14"));
        Assert.Equal(["2026-W14", "2026-W15"], volumes.DestinationEntries());
    }

    private static void MakeSnapshot(BackupVolumes volumes, string folder, string runner, DateTimeOffset? finished = null)
    {
        var path = Path.Join(volumes.Destination, folder);
        BackupVolumes.WriteRandom(Path.Join(path, "data", "message"), 100);
        new SnapshotMarker { Name = runner, StartedAt = Start, FinishedAt = finished ?? Start.AddMinutes(5) }.WriteTo(path);
    }
}
