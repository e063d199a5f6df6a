using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;

namespace MailserverWorkers.Shared.Tests.Hosting;

public sealed class WorkerCommandLineTests
{
    [Fact]
    public void Parse_KeepsTheWorkersOwnArguments_InOrder()
    {
        var parsed = WorkerCommandLine.Parse(["profile", "--dry-run", "--config", "/etc/w.json", "--force"]);

        Assert.Equal(["profile", "--dry-run", "--force"], parsed.Arguments);
        Assert.Equal("/etc/w.json", parsed.ConfigFile);
        Assert.Null(parsed.Schedule);
    }

    [Fact]
    public void Parse_ReadsASixFieldScheduleWithSeconds_AndATimeZone()
    {
        var parsed = WorkerCommandLine.Parse(["--schedule=*/30 * * * * *", "--time-zone", "Europe/Berlin"]);

        var from = new DateTimeOffset(2026, 11, 25, 10, 0, 10, TimeSpan.Zero);
        Assert.Equal(from.AddSeconds(20), parsed.Schedule!.GetNextOccurrence(from, parsed.TimeZone));
        Assert.Equal("Europe/Berlin", parsed.TimeZone.Id);
    }

    [Fact]
    public void Parse_SchedulesInTheGivenTimeZone()
    {
        var parsed = WorkerCommandLine.Parse(["--schedule", "0 3 * * *", "--time-zone", "Europe/Berlin"]);

        // 03:00 in Berlin in winter is 02:00 UTC.
        var next = parsed.Schedule!.GetNextOccurrence(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), parsed.TimeZone);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero), next!.Value.ToUniversalTime());
    }

    [Theory]
    [InlineData(new[] { "--schedule" }, "--schedule: a value is required")]
    [InlineData(new[] { "--schedule", "every hour" }, "--schedule: 'every hour' is not a cron expression: ")]
    [InlineData(new[] { "--schedule", "* * * * *", "--time-zone", "Mars/Olympus" }, "--time-zone: 'Mars/Olympus' is not a known time zone")]
    [InlineData(new[] { "--time-zone", "UTC" }, "--time-zone: only meaningful with --schedule")]
    [InlineData(new[] { "--check", "--schedule", "* * * * *" }, "--check: not with --schedule (a check runs once)")]
    public void Parse_RejectsBadOptions_NamingTheOption(string[] args, string expectedStart)
    {
        var error = Assert.Throws<WorkerConfigurationException>(() => WorkerCommandLine.Parse(args));

        Assert.StartsWith(expectedStart, error.Message);
    }
}
