using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailserverWorkers.Shared.Formatting;
using MimeKit;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// What an operator otherwise works out by hand before trusting a policy: totals, top senders by count and by bytes,
/// the age distribution, the share of each marker, and what each rule would delete now. A table, or JSON.
/// </summary>
public static partial class RetentionProfile
{
    private static readonly (string Name, TimeSpan Below)[] AgeBuckets =
    [
        ("<1d", TimeSpan.FromDays(1)), ("1-7d", TimeSpan.FromDays(7)), ("7-14d", TimeSpan.FromDays(14)), ("14-30d", TimeSpan.FromDays(30)),
        ("30-90d", TimeSpan.FromDays(90)), ("90-365d", TimeSpan.FromDays(365)), (">365d", TimeSpan.MaxValue),
    ];

    public sealed record Count(string Name, int Messages, long Bytes);

    public sealed record Report(
        string Mailbox, int Messages, long Bytes, int Unreadable, IReadOnlyList<Count> Markers, IReadOnlyList<Count> Ages,
        IReadOnlyList<Count> Rules, IReadOnlyList<Count> TopSendersByCount, IReadOnlyList<Count> TopSendersByBytes);

    public static Report Build(RetentionPlan plan, string mailbox, IReadOnlyList<string> markerNames, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(markerNames);
        var all = plan.Messages;
        Count Tally(string name, IEnumerable<ClassifiedMessage> ms) => new(name, ms.Count(), ms.Sum(m => m.Message.Size));
        var markers = markerNames.Select(n => Tally(n, all.Where(m => m.Markers.Contains(n))))
            .Append(Tally("none", all.Where(m => !m.Automated))).ToList();
        var ages = AgeBuckets.Select((b, i) => Tally(b.Name, all.Where(m =>
        {
            var age = plan.Now - m.Message.ReceivedAt;
            return age < b.Below && (i == 0 || age >= AgeBuckets[i - 1].Below);
        }))).ToList();
        var rules = new List<Count>
        {
            Tally("automated, would be deleted", all.Where(m => m.Decision == RetentionDecision.DeleteAutomated)),
            Tally("other, would be deleted", all.Where(m => m.Decision == RetentionDecision.DeleteHuman)),
            Tally("kept", all.Where(m => m.Decision == RetentionDecision.Keep)),
        };
        var senders = all.GroupBy(m => Sender(m.Message.Headers?.First("From"))).Select(g => Tally(g.Key, g)).ToList();
        return new Report(mailbox, plan.Scanned, plan.Bytes, plan.Unreadable.Count, markers, ages, rules,
            senders.OrderByDescending(s => s.Messages).ThenBy(s => s.Name, StringComparer.Ordinal).Take(top).ToList(),
            senders.OrderByDescending(s => s.Bytes).ThenBy(s => s.Name, StringComparer.Ordinal).Take(top).ToList());
    }

    public static string ToJson(Report report) => JsonSerializer.Serialize(report, ReportJson.Default.Report);

    public static string ToTable(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"{report.Mailbox}: {report.Messages} messages, {ByteSize.Format(report.Bytes)}, {report.Unreadable} unreadable (kept)");
        Section("Markers (a message may carry several)", report.Markers);
        Section("Age (time since the server received it)", report.Ages);
        Section("Rules now", report.Rules);
        Section("Top senders by count", report.TopSendersByCount);
        Section("Top senders by bytes", report.TopSendersByBytes);
        return text.ToString();

        void Section(string title, IReadOnlyList<Count> rows)
        {
            text.AppendLine().AppendLine(title);
            foreach (var row in rows)
            {
                var share = report.Messages == 0 ? 0 : 100.0 * row.Messages / report.Messages;
                text.AppendLine(culture, $"  {row.Name,-40} {row.Messages,8} {share,6:0.0} % {ByteSize.Format(row.Bytes),12}");
            }
        }
    }

    private static string Sender(string? from)
    {
        if (string.IsNullOrWhiteSpace(from))
        {
            return "(no From)";
        }

        return InternetAddressList.TryParse(from, out var list) && list.Mailboxes.FirstOrDefault() is { } mailbox
            ? mailbox.Address.ToLowerInvariant()
            : from.Trim();
    }

    // Source-generated (a native binary has no reflection serializer).
    [JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
    [JsonSerializable(typeof(Report))]
    private sealed partial class ReportJson : JsonSerializerContext;
}
