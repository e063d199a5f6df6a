using System.Globalization;

namespace MailserverWorkers.BackupRunner;

/// <summary>The figures of rsync's <c>--stats</c> the metrics use (run with <c>--no-human-readable</c> and LC_ALL=C).</summary>
public sealed record RsyncStats(long Files, long RegularFiles, long TransferredFiles, long TotalFileBytes, long TransferredFileBytes, long LiteralBytes, long MatchedBytes)
{
    public static RsyncStats Zero { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Reads the <c>--stats</c> block from rsync's standard output lines; absent figures are 0.</summary>
    public static RsyncStats Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                values[line[..colon].Trim()] = line[(colon + 2)..].Trim();
            }
        }

        return new RsyncStats(
            Files: Number(values, "Number of files"),
            RegularFiles: Detail(values, "Number of files", "reg"),
            TransferredFiles: Number(values, "Number of regular files transferred"),
            TotalFileBytes: Number(values, "Total file size"),
            TransferredFileBytes: Number(values, "Total transferred file size"),
            LiteralBytes: Number(values, "Literal data"),
            MatchedBytes: Number(values, "Matched data"));
    }

    public RsyncStats Add(RsyncStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new RsyncStats(
            Files + other.Files, RegularFiles + other.RegularFiles, TransferredFiles + other.TransferredFiles, TotalFileBytes + other.TotalFileBytes,
            TransferredFileBytes + other.TransferredFileBytes, LiteralBytes + other.LiteralBytes, MatchedBytes + other.MatchedBytes);
    }

    // "Number of files: 100602 (reg: 100000, dir: 602)" or "Total file size: 992639278 bytes"; separators are
    // stripped in case an rsync ignores --no-human-readable for some line.
    private static long Number(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var text) ? ParseLong(text.Split(' ', 2)[0]) : 0;

    private static long Detail(Dictionary<string, string> values, string key, string detail)
    {
        var open = values.TryGetValue(key, out var text) ? text.IndexOf('(', StringComparison.Ordinal) : -1;
        if (open < 0)
        {
            return 0;
        }

        foreach (var part in text![(open + 1)..].TrimEnd(')').Split(", "))
        {
            var pair = part.Split(": ", 2);
            if (pair.Length == 2 && pair[0] == detail)
            {
                return ParseLong(pair[1]);
            }
        }

        return 0;
    }

    private static long ParseLong(string text) =>
        long.TryParse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
