using System.Globalization;

namespace MailserverWorkers.Testing;

/// <summary>
/// The time at the start of a Postfix <c>maillog_file</c> line (Postfix 3.7: <c>Nov 29 06:31:23</c>, local time, no
/// year), as UTC. The year is the one that puts the time nearest before <c>now</c> (a line of Dec 31 read on Jan 1
/// is last year's); a local time that a clock change made ambiguous is taken as standard time.
/// </summary>
public static class SyslogTime
{
    public static bool TryParse(string line, DateTime nowUtc, out DateTime utc)
    {
        utc = default;
        if (line.Length < 15
            // In a leap year, so that Feb 29 parses whatever this year is.
            || !DateTime.TryParseExact("2024 " + line[..15], "yyyy MMM d HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var parsed))
        {
            return false;
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(nowUtc, TimeZoneInfo.Local);
        foreach (var year in new[] { local.Year + 1, local.Year, local.Year - 1 })
        {
            if (parsed.Month == 2 && parsed.Day == 29 && !DateTime.IsLeapYear(year))
            {
                continue;
            }

            var candidate = new DateTime(year, parsed.Month, parsed.Day, parsed.Hour, parsed.Minute, parsed.Second, DateTimeKind.Unspecified);
            var candidateUtc = TimeZoneInfo.Local.IsInvalidTime(candidate)
                ? TimeZoneInfo.ConvertTimeToUtc(candidate.AddHours(1), TimeZoneInfo.Local)
                : TimeZoneInfo.ConvertTimeToUtc(candidate, TimeZoneInfo.Local);
            // A log line is never more than a day ahead of the reader's clock: the first such year is the line's.
            if (candidateUtc <= nowUtc.AddDays(1))
            {
                utc = candidateUtc;
                return true;
            }
        }

        return false;
    }
}
