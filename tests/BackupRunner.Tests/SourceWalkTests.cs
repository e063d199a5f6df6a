using Microsoft.Extensions.Time.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>Maildir-aware linking with real rsync on disk: what Dovecot renames between two weekly snapshots is linked, not stored again.</summary>
public sealed class SourceWalkTests
{
    private static readonly DateTimeOffset Week15 = new(2026, 4, 6, 3, 0, 0, TimeSpan.Zero);
    private const int Size = 1000;

    private static string Folder(BackupVolumes volumes) => Path.Join(volumes.Data, "example.test", "alice");

    /// <summary>20 read messages in cur/, 5 unseen in new/, and the other folder of a Maildir++ tree, .Junk.</summary>
    private static void Mailbox(BackupVolumes volumes)
    {
        var folder = Folder(volumes);
        for (var i = 0; i < 20; i++)
        {
            BackupVolumes.WriteRandom(Path.Join(folder, "cur", $"17000000{i:D2}.M{i}P1.mail.example.test,S={Size}:2,S"), Size);
        }

        for (var i = 0; i < 5; i++)
        {
            BackupVolumes.WriteRandom(Path.Join(folder, "new", $"17000001{i:D2}.M{i}P2.mail.example.test,S={Size}"), Size);
        }

        BackupVolumes.WriteRandom(Path.Join(folder, ".Junk", "cur", $"1700000200.M1P3.mail.example.test,S={Size}:2,"), Size);
        Directory.CreateDirectory(Path.Join(folder, "tmp"));
        Directory.CreateDirectory(Path.Join(volumes.State, "lib"));
        BackupVolumes.WriteRandom(Path.Join(volumes.State, "lib", "state"), 10);
    }

    /// <summary>As Dovecot does: three messages re-flagged (replied), the five in new/ seen (moved to cur/ with info), one new message.</summary>
    private static List<(string Before, string After)> Rename(BackupVolumes volumes)
    {
        var folder = Folder(volumes);
        var moves = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(Path.Join(folder, "cur")).Order(StringComparer.Ordinal).Take(3))
        {
            moves.Add((file, file.Replace(":2,S", ":2,RS", StringComparison.Ordinal)));
        }

        foreach (var file in Directory.EnumerateFiles(Path.Join(folder, "new")))
        {
            moves.Add((file, Path.Join(folder, "cur", Path.GetFileName(file) + ":2,S")));
        }

        moves.ForEach(m => File.Move(m.Item1, m.Item2));
        BackupVolumes.WriteRandom(Path.Join(folder, "new", $"1700000300.M9P9.mail.example.test,S={Size}"), Size);
        return moves;
    }

    private static string InSnapshot(BackupVolumes volumes, string snapshot, string live) =>
        Path.Join(volumes.Destination, snapshot, "data", Path.GetRelativePath(volumes.Data, live));

    [Theory]
    [InlineData("auto", 1)]
    [InlineData("false", 9)]
    public async Task RenamedAndMovedMessages_AreLinked_SoOnlyNewMailIsNewBytes(string maildirAware, int newMessages)
    {
        using var volumes = new BackupVolumes();
        Mailbox(volumes);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        environment["Backup__MaildirAware"] = maildirAware;
        var time = new FakeTimeProvider(Week15);
        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));
        var moves = Rename(volumes);
        time.Advance(TimeSpan.FromDays(7));

        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));

        var second = BackupRunnerEnvironment.Marker(Path.Join(volumes.Destination, "2026-W16"));
        Assert.Equal(newMessages * Size, second.NewBytes);
        foreach (var (before, after) in moves)
        {
            var then = NativeFileSystem.Stat(InSnapshot(volumes, "2026-W15", before));
            var now = NativeFileSystem.Stat(InSnapshot(volumes, "2026-W16", after));
            Assert.Equal(maildirAware == "auto", then.Identity == now.Identity);
            Assert.Equal(await File.ReadAllBytesAsync(after), await File.ReadAllBytesAsync(InSnapshot(volumes, "2026-W16", after)));
        }

        Assert.False(File.Exists(InSnapshot(volumes, "2026-W16", moves[0].Before)), "the old name is gone from the new snapshot");
        Assert.True(File.Exists(InSnapshot(volumes, "2026-W15", moves[0].Before)), "and still in the old one");
    }

    [Fact]
    public async Task AMessageWhoseModeOrAttributesChanged_IsCopied_AndThePreviousSnapshotsFileKeepsItsOwn()
    {
        using var volumes = new BackupVolumes();
        Mailbox(volumes);
        var environment = BackupRunnerEnvironment.For(volumes, TestNames.Unique());
        var time = new FakeTimeProvider(Week15);
        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));
        var moves = Rename(volumes);
        File.SetUnixFileMode(moves[0].After, UnixFileMode.UserRead);
        await BackupVolumes.RunAsync("setfattr", "-n", "user.note", "-v", "flagged", moves[1].After);
        time.Advance(TimeSpan.FromDays(7));

        Assert.Equal(0, await BackupRunnerEnvironment.RunAtAsync(environment, time));

        foreach (var (before, after) in moves.Take(2))
        {
            Assert.NotEqual(NativeFileSystem.Stat(InSnapshot(volumes, "2026-W15", before)).Identity, NativeFileSystem.Stat(InSnapshot(volumes, "2026-W16", after)).Identity);
        }

        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(InSnapshot(volumes, "2026-W16", moves[0].After)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(InSnapshot(volumes, "2026-W15", moves[0].Before)));
        Assert.Empty((await BackupVolumes.RunAsync("getfattr", "-d", InSnapshot(volumes, "2026-W15", moves[1].Before))).Trim());
        Assert.Equal(3 * Size, BackupRunnerEnvironment.Marker(Path.Join(volumes.Destination, "2026-W16")).NewBytes);
    }

    [Theory]
    [InlineData("1700000000.M1P1.host,S=1000:2,RS", "1700000000.M1P1.host,S=1000")]
    [InlineData("1700000000.M1P1.host,S=1000", "1700000000.M1P1.host,S=1000")]
    [InlineData("1700000000.M1P1.host:1,experimental", "1700000000.M1P1.host")]
    public void Unique_IsTheNameBeforeTheInfo(string file, string unique) => Assert.Equal(unique, SourceWalk.Unique(file));
}
