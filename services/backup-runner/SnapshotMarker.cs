using System.Text.Json;
using System.Text.Json.Serialization;
using MailserverWorkers.Shared.Native;
using Microsoft.Win32.SafeHandles;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// The file <c>.backup-runner.json</c> at the top of every snapshot this runner made. It is how the runner tells
/// its own folders from anything else in the destination (retention touches nothing without it), and it keeps the
/// run's figures. A folder whose marker has no <see cref="FinishedAt"/> is a partial snapshot.
/// </summary>
public sealed partial record SnapshotMarker
{
    public const string FileName = ".backup-runner.json";


    /// <summary>Always <c>backup-runner</c>.</summary>
    public string Runner { get; init; } = "backup-runner";

    /// <summary><c>Backup__Name</c> of the runner that made it.</summary>
    public required string Name { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>();

    public long? Files { get; init; }

    public long? Bytes { get; init; }

    public long? NewBytes { get; init; }

    /// <summary>Each source's regular files and bytes in this snapshot (what the next run's shrink guard compares with).</summary>
    public IReadOnlyDictionary<string, SourceFigures>? SourceFigures { get; init; }

    public static string PathIn(string folder) => Path.Join(folder, FileName);

    /// <summary>The marker in <paramref name="folder"/>, or null when there is none or it is not this runner's.</summary>
    public static SnapshotMarker? TryRead(string folder)
    {
        var path = PathIn(folder);
        try
        {
            // Never follow a link planted in place of the marker: opened with O_NOFOLLOW and checked to be a regular file.
            if (NativeFileSystem.TryStat(path) is not { IsRegularFile: true, Size: < 1024 * 1024 })
            {
                return null;
            }

            using var file = new FileStream(new SafeFileHandle(NativeFileSystem.OpenOwnFile(path, Libc.ORdonly, 0), ownsHandle: true), FileAccess.Read);
            var marker = JsonSerializer.Deserialize(file, MarkerJson.Default.SnapshotMarker);
            return marker is { Runner: "backup-runner", Name.Length: > 0 } ? marker : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the marker and flushes it to disk: a fresh file (O_EXCL, never through a link, mode 0600) renamed over
    /// the old one, which replaces a link itself and never what it points to.
    /// </summary>
    public void WriteTo(string folder)
    {
        var path = PathIn(folder);
        var temporary = path + ".tmp";
        File.Delete(temporary);
        using (var file = new FileStream(new SafeFileHandle(NativeFileSystem.OpenOwnFile(temporary, Libc.OWronly | Libc.OCreat | Libc.OExcl, 0x180 /* 0600 */), ownsHandle: true), FileAccess.Write))
        {
            JsonSerializer.Serialize(file, this, MarkerJson.Default.SnapshotMarker);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    // Source-generated (a native binary has no reflection serializer).
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(SnapshotMarker))]
    private sealed partial class MarkerJson : JsonSerializerContext;
}
