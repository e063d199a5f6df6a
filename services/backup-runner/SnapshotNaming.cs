using System.Globalization;
using System.Text.RegularExpressions;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// How snapshots are named: by ISO 8601 week (<c>2026-W15</c>), or by <c>date +%Y-%W</c> (<c>2026-15</c>), the name
/// the shell CronJob gave its weekly backups. Both sort by name in time order. Weeks are taken in UTC.
/// </summary>
public sealed partial class SnapshotNaming
{
    private readonly bool iso;

    private SnapshotNaming(bool iso) => this.iso = iso;

    public static SnapshotNaming IsoWeek { get; } = new(iso: true);

    public static SnapshotNaming LegacyWeek { get; } = new(iso: false);

    /// <summary>The naming <c>Backup__Naming</c> chose.</summary>
    public static SnapshotNaming For(SnapshotNamingScheme scheme) => scheme == SnapshotNamingScheme.LegacyWeek ? LegacyWeek : IsoWeek;

    /// <summary>The snapshot name of the week <paramref name="time"/> (taken in UTC) falls in.</summary>
    public string NameFor(DateTimeOffset time)
    {
        var day = time.UtcDateTime.Date;
        if (iso)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(day):D4}-W{ISOWeek.GetWeekOfYear(day):D2}");
        }

        // strftime's %W: weeks start on Monday; days before the year's first Monday are in week 00.
        var mondayBased = ((int)day.DayOfWeek + 6) % 7;
        var week = (day.DayOfYear - 1 + 7 - mondayBased) / 7;
        return string.Create(CultureInfo.InvariantCulture, $"{day.Year:D4}-{week:D2}");
    }

    /// <summary>Whether <paramref name="folderName"/> is a snapshot name of this naming.</summary>
    public bool Matches(string folderName) => (iso ? IsoPattern() : LegacyPattern()).IsMatch(folderName);

    public override string ToString() => (iso ? SnapshotNamingScheme.IsoWeek : SnapshotNamingScheme.LegacyWeek).ToConfigurationValue();

    [GeneratedRegex(@"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])\z")]
    private static partial Regex IsoPattern();

    [GeneratedRegex(@"^[0-9]{4}-([0-4][0-9]|5[0-3])\z")]
    private static partial Regex LegacyPattern();
}
