using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// Dovecot's statistics from <c>doveadm -f json stats dump</c>, never with <c>-r</c> (a reset would take the counts
/// from everyone else reading them). Every metric the server defines: its events, its fields' sums and quantiles, and
/// its histogram where a <c>group_by</c> quantizes a field. Dovecot appends each group_by value to the metric's name
/// (<c>imap_command_SELECT_OK</c>); the row whose name is the shortest prefix of it is the metric, the rest the group.
/// </summary>
public sealed partial class DovecotStatsSource(SourceCommand command, IOptions<StatsOptions> options) : IStatsSource
{
    public string Name => "dovecot";

    public async Task<StatsReading> ReadAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<string> argv = [settings.DoveadmPath];
        if (!string.IsNullOrEmpty(settings.DovecotConfigFile))
        {
            argv.AddRange(["-c", settings.DovecotConfigFile]);
        }

        argv.AddRange(["-f", "json", "stats", "dump"]);
        var rows = await command.RunAsync(argv, DovecotStatsReader.ReadAsync, cancellationToken);
        return Build(rows);
    }

    internal static StatsReading Build(IReadOnlyList<DovecotStatsRow> rows)
    {
        var reading = new StatsReading();
        var events = reading.Family("mailserver_dovecot_events_total", "Events a Dovecot metric counted since Dovecot's stats process started, by metric and group_by values.", true, "metric", "group");
        var durationSum = reading.Family("mailserver_dovecot_duration_seconds_total", "Sum of the events' durations since Dovecot's stats process started.", true, "metric", "group");
        var duration = reading.Family("mailserver_dovecot_duration_seconds", "Quantile of the events' durations since Dovecot's stats process started.", false, "metric", "group", "quantile");
        var fieldSum = reading.Family("mailserver_dovecot_field_total", "Sum of a field a Dovecot metric adds (its fields setting), in the field's own unit.", true, "metric", "group", "field");
        var buckets = reading.Family("mailserver_dovecot_events_bucket",
            "Events of a Dovecot metric whose field was at most le (seconds for duration, else the field's unit), from its quantized group_by: cumulative, le=+Inf is every event.", true, "metric", "group", "field", "le");
        var names = rows.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var fields = rows.Select(r => r.Field).ToHashSet(StringComparer.Ordinal);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var histograms = new Dictionary<(string Metric, string Group, string Field), List<(double Upper, double Count)>>();
        var totals = new Dictionary<(string Metric, string Group), double>();
        foreach (var row in rows)
        {
            var (metric, group) = Split(row.Name, names);
            if (Bucket(group, fields) is { } bucket)
            {
                // A histogram bucket's row repeats every field; its count is the same on each.
                if (counted.Add(row.Name))
                {
                    var key = (metric, bucket.Parent, bucket.Field);
                    if (!histograms.TryGetValue(key, out var list))
                    {
                        histograms[key] = list = [];
                    }

                    list.Add((bucket.Upper, row.Count));
                }

                continue;
            }

            if (counted.Add(row.Name))
            {
                events.Add(row.Count, metric, group);
                totals[(metric, group)] = row.Count;
            }

            if (row.Field == "duration")
            {
                // Dovecot's durations are in microseconds (2.3 and 2.4).
                durationSum.Add(row.Sum / 1e6, metric, group);
                duration.Add(row.Median / 1e6, metric, group, "0.5");
                duration.Add(row.Percentile95 / 1e6, metric, group, "0.95");
            }
            else
            {
                fieldSum.Add(row.Sum, metric, group, row.Field);
            }
        }

        foreach (var ((metric, group, field), list) in histograms.OrderBy(h => h.Key))
        {
            var cumulative = 0.0;
            foreach (var (upper, count) in list.OrderBy(b => b.Upper))
            {
                cumulative += count;
                if (double.IsPositiveInfinity(upper))
                {
                    continue;
                }

                var le = field == "duration" ? upper / 1e6 : upper;
                buckets.Add(cumulative, metric, group, field, le.ToString("G", CultureInfo.InvariantCulture));
            }

            buckets.Add(totals.GetValueOrDefault((metric, group), cumulative), metric, group, field, "+Inf");
        }

        reading.Summary = $"{totals.Keys.Select(k => k.Metric).Distinct().Count()} metrics, {totals.Count} with their groups, {histograms.Count} histograms";
        return reading;
    }

    /// <summary>The metric a row belongs to (the shortest other row name that prefixes it) and its group_by values.</summary>
    internal static (string Metric, string Group) Split(string name, IReadOnlySet<string> names)
    {
        for (var at = name.IndexOf('_', StringComparison.Ordinal); at > 0; at = name.IndexOf('_', at + 1))
        {
            if (names.Contains(name[..at]))
            {
                return (name[..at], name[(at + 1)..]);
            }
        }

        return (name, "");
    }

    /// <summary>
    /// A quantized group_by's bucket, as Dovecot names it: <c>&lt;field&gt;_&lt;low&gt;_&lt;high&gt;</c> (2.3.19:
    /// <c>duration_1001_10000</c>; the lowest and highest bucket say <c>ninf</c> and <c>inf</c>), after any other group's values.
    /// </summary>
    internal static (string Parent, string Field, double Upper)? Bucket(string group, IReadOnlySet<string> fields)
    {
        if (BucketName().Match(group) is not { Success: true } match)
        {
            return null;
        }

        var rest = match.Groups["rest"].Value;
        var field = fields.FirstOrDefault(f => rest == f || rest.EndsWith("_" + f, StringComparison.Ordinal)) ?? rest;
        var parent = rest.Length > field.Length ? rest[..(rest.Length - field.Length - 1)] : "";
        var high = match.Groups["high"].Value;
        return (parent, field, high == "inf" ? double.PositiveInfinity : double.Parse(high, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(?<rest>[A-Za-z][A-Za-z0-9_]*?)_(?<low>ninf|-?\d+)[_-](?<high>inf|\d+)$")]
    private static partial Regex BucketName();
}
