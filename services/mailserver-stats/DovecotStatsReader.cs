using System.Globalization;
using System.Text.Json;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// Reads <c>doveadm -f json stats dump</c>: a JSON array with one object per metric and field, its values numbers
/// (2.3.19) or numeric strings (doveadm's other formatters). Bounded: a dump larger than <see cref="MaxBytes"/> is an error.
/// </summary>
public static class DovecotStatsReader
{
    public const int MaxBytes = 16 << 20;

    public static async Task<IReadOnlyList<DovecotStatsRow>> ReadAsync(Stream output, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await BoundedOutput.ReadAsync(output, MaxBytes, "a statistics dump", cancellationToken));
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("a statistics dump that is not a JSON array");
        }

        var rows = new List<DovecotStatsRow>();
        foreach (var row in document.RootElement.EnumerateArray())
        {
            rows.Add(new DovecotStatsRow(
                Text(row, "metric_name"), Text(row, "field"),
                Number(row, "count"), Number(row, "sum"), Number(row, "median"), Number(row, "%95")));
        }

        return rows;
    }

    private static string Text(JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidDataException($"a statistics row without {name}");

    private static double Number(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String => double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => throw new InvalidDataException($"a statistics row whose {name} is not a number"),
        }
        : throw new InvalidDataException($"a statistics row without {name}");
}
