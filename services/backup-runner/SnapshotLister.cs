using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailserverWorkers.Shared.Formatting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner;

/// <summary>One line of <c>backup-runner list</c>.</summary>
public sealed record SnapshotListing(string Snapshot, DateTimeOffset? Finished, long Files, long Bytes, long AllocatedBytes, long NewBytes);

/// <summary>
/// <c>backup-runner list [--json]</c>: each completed snapshot, oldest first, with its finish time, size and the bytes
/// it does not share with the snapshot before it, measured now by walking the snapshots' inodes (what each costs
/// on disk today, not what its run reported).
/// </summary>
public sealed partial class SnapshotLister(IOptions<BackupOptions> options, ILogger<SnapshotLister> logger)
{

    public IReadOnlyList<SnapshotListing> List(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var store = SnapshotStore.For(settings, logger);
        var listings = new List<SnapshotListing>();
        HashSet<(ulong, uint, uint)>? previous = null;
        foreach (var snapshot in store.Completed())
        {
            var (usage, inodes) = SnapshotUsage.Measure(snapshot.Path, previous, cancellationToken);
            var finished = snapshot.Marker?.FinishedAt ?? new DateTimeOffset(Directory.GetLastWriteTimeUtc(snapshot.Path), TimeSpan.Zero);
            listings.Add(new SnapshotListing(snapshot.Name, finished, usage.Files, usage.Bytes, usage.AllocatedBytes, usage.NewBytes));
            previous = inodes;
        }

        return listings;
    }

    public static string ToTable(IReadOnlyList<SnapshotListing> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"SNAPSHOT",-10} {"FINISHED (UTC)",-20} {"FILES",10} {"SIZE",12} {"ON DISK",12} {"NEW",12}");
        foreach (var l in listings)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{l.Snapshot,-10} {l.Finished?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",-20} {l.Files,10} {ByteSize.Format(l.Bytes),12} {ByteSize.Format(l.AllocatedBytes),12} {ByteSize.Format(l.NewBytes),12}");
        }

        if (listings.Count == 0)
        {
            text.AppendLine("(no completed snapshots)");
        }

        return text.ToString();
    }

    public static string ToJson(IReadOnlyList<SnapshotListing> listings) => JsonSerializer.Serialize(listings, ListingJson.Default.IReadOnlyListSnapshotListing);

    // Source-generated (a native binary has no reflection serializer).
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
    [JsonSerializable(typeof(IReadOnlyList<SnapshotListing>))]
    private sealed partial class ListingJson : JsonSerializerContext;
}
