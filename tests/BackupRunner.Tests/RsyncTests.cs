using MailserverWorkers.Testing;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>The rsync wrapper against Debian's rsync: its --stats read right, its failures in its own words.</summary>
public sealed class RsyncTests
{
    [Fact]
    public async Task Stats_AreReadFromARealCopy()
    {
        using var volumes = new BackupVolumes();
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "one"), 1_234_567);
        BackupVolumes.WriteRandom(Path.Join(volumes.Data, "sub", "two"), 89);
        await BackupVolumes.RunAsync("ln", Path.Join(volumes.Data, "sub", "two"), Path.Join(volumes.Data, "sub", "two-again"));
        var rsync = Create();
        var arguments = rsync.CommonArguments(acls: false, xattrs: false).Append(volumes.Data + "/").Append(Path.Join(volumes.Destination, "copy") + "/").ToList();

        var first = await rsync.RunAsync("data", arguments, CancellationToken.None);
        var second = await rsync.RunAsync("data", arguments, CancellationToken.None);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(3, first.Stats.RegularFiles);
        Assert.Equal(5, first.Stats.Files);
        Assert.Equal(1_234_567 + 89 + 89, first.Stats.TotalFileBytes);
        // The second name of a hard-linked file is linked, not transferred.
        Assert.Equal(1_234_567 + 89, first.Stats.TransferredFileBytes);
        Assert.Equal(1_234_567 + 89, first.Stats.LiteralBytes + first.Stats.MatchedBytes);
        Assert.Equal(0, second.Stats.TransferredFileBytes);
        Assert.Equal(first.Stats.TotalFileBytes, second.Stats.TotalFileBytes);
    }

    [Fact]
    public async Task AFailure_CarriesRsyncsOwnMessage()
    {
        using var volumes = new BackupVolumes();
        var rsync = Create();

        var result = await rsync.RunAsync("data", [.. rsync.CommonArguments(false, false), "/nonexistent/source/", volumes.Destination + "/"], CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(23, result.ExitCode);
        Assert.Contains("change_dir \"/nonexistent/source\" failed: No such file or directory", result.Error, StringComparison.Ordinal);
        Assert.Contains("rsync error: some files/attrs were not transferred", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingRsync_IsNamedByItsKey()
    {
        var rsync = Create("/nonexistent/rsync");

        var e = await Assert.ThrowsAsync<BackupFailedException>(() => rsync.RunAsync("data", ["/a/", "/b/"], CancellationToken.None));

        Assert.StartsWith("cannot start rsync (Backup__RsyncPath=/nonexistent/rsync): ", e.Message, StringComparison.Ordinal);
    }

    private static Rsync Create(string path = "rsync") =>
        new(Options.Create(new BackupOptions { RsyncPath = path }), TimeProvider.System, new RecordingLogger<Rsync>());
}
