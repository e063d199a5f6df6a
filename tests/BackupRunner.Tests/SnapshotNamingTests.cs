using System.Globalization;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>Snapshot names against GNU date's own %G-W%V and %Y-%W, over every day of six years.</summary>
public sealed class SnapshotNamingTests
{
    [Fact]
    public async Task BothNamings_AgreeWithGnuDate_OnEveryDayFrom2024To2029()
    {
        var days = Enumerable.Range(0, 6 * 366).Select(d => new DateTimeOffset(2024, 1, 1, 23, 59, 0, TimeSpan.Zero).AddDays(d)).ToList();
        var input = Path.GetTempFileName();
        await File.WriteAllLinesAsync(input, days.Select(d => d.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)));
        try
        {
            var iso = (await BackupVolumes.RunAsync("date", "-u", "-f", input, "+%G-W%V")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var legacy = (await BackupVolumes.RunAsync("date", "-u", "-f", input, "+%Y-%W")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(iso, days.Select(SnapshotNaming.IsoWeek.NameFor));
            Assert.Equal(legacy, days.Select(SnapshotNaming.LegacyWeek.NameFor));
            Assert.All(iso, n => Assert.True(SnapshotNaming.IsoWeek.Matches(n), n));
            Assert.All(legacy, n => Assert.True(SnapshotNaming.LegacyWeek.Matches(n), n));
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void TheWeekIsTakenInUtc()
    {
        // Sunday 23:30 in UTC-5 is Monday 04:30 UTC: the new week.
        Assert.Equal("2026-W16", SnapshotNaming.IsoWeek.NameFor(new DateTimeOffset(2026, 4, 12, 23, 30, 0, TimeSpan.FromHours(-5))));
    }

    [Theory]
    [InlineData("2026-W15", true, false)]
    [InlineData("2026-15", false, true)]
    [InlineData("2026-W00", false, false)]
    [InlineData("2026-W54", false, false)]
    [InlineData("2026-W15.partial", false, false)]
    [InlineData("2026-W15\n", false, false)]
    [InlineData("lost+found", false, false)]
    public void OnlyExactNamesMatch(string name, bool iso, bool legacy)
    {
        Assert.Equal(iso, SnapshotNaming.IsoWeek.Matches(name));
        Assert.Equal(legacy, SnapshotNaming.LegacyWeek.Matches(name));
    }
}
