using System.Diagnostics;
using MailserverWorkers.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>
/// A scratch folder for one test with a source tree and a destination, deleted afterwards. Lives under /tmp on the
/// real disk, so hard links, owners, xattrs and ACLs behave as on a mail volume.
/// </summary>
internal sealed class BackupVolumes : IDisposable
{
    public BackupVolumes()
    {
        Root = Path.Join(Path.GetTempPath(), "backup-runner-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Sources);
        Directory.CreateDirectory(Destination);
    }

    public string Root { get; }

    public string Sources => Path.Join(Root, "live");

    public string Destination => Path.Join(Root, "backups");

    public string Data => Path.Join(Sources, "data");

    public string State => Path.Join(Sources, "state");

    /// <summary>Fills <see cref="Sources"/> with make-mail-volume.sh's tree (data/ and state/).</summary>
    public async Task MakeMailVolumeAsync()
    {
        var script = Path.Join(AppContext.BaseDirectory, "make-mail-volume.sh");
        await RunAsync("bash", script, Sources);
    }

    /// <summary>Writes a file of <paramref name="size"/> random bytes (making its folder).</summary>
    public static void WriteRandom(string path, int size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The destination's entries, names only, sorted (what the runner left there).</summary>
    public IReadOnlyList<string> DestinationEntries() =>
        Directory.EnumerateFileSystemEntries(Destination).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public static Task<string> RunAsync(string program, params string[] arguments) => RunInAsync(null, program, arguments);

    /// <summary>Runs <paramref name="program"/> (in <paramref name="workingDirectory"/>) and returns its standard output; fails with its standard error.</summary>
    public static async Task<string> RunInAsync(string? workingDirectory, string program, params string[] arguments)
    {
        var run = await ExternalProgram.RunAsync(program, arguments, workingDirectory);
        return run.ExitCode == 0 ? run.Output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {run.Error}");
    }

    public void Dispose()
    {
        // Snapshots hold read-only folders and files of other owners: rm copes, as root.
        using var rm = Process.Start("rm", ["-rf", Root]);
        rm.WaitForExit();
    }
}
