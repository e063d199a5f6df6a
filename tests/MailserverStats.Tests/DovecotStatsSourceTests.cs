using System.Text;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>doveadm stats dump as Dovecot 2.3.19 prints it: metrics, their group_by sub-metrics and a quantized histogram.</summary>
public sealed class DovecotStatsSourceTests
{
    // Printed by doveadm -f json stats dump on the stack's Dovecot 2.3.19 after a good and a bad login, two IMAP commands and three deliveries.
    private const string Dump = """
        [{"metric_name":"auth_success","field":"duration","count":1,"sum":2207,"min":2207,"max":2207,"avg":2207.00,"median":2207,"stddev":0.00,"%95":2207},
        {"metric_name":"auth_failures","field":"duration","count":1,"sum":1523,"min":1523,"max":1523,"avg":1523.00,"median":1523,"stddev":0.00,"%95":1523},
        {"metric_name":"imap_command","field":"duration","count":2,"sum":6658,"min":211,"max":6447,"avg":3329.00,"median":3329,"stddev":3118.00,"%95":6447},
        {"metric_name":"imap_command_SELECT","field":"duration","count":1,"sum":6447,"min":6447,"max":6447,"avg":6447.00,"median":6447,"stddev":0.00,"%95":6447},
        {"metric_name":"imap_command_SELECT_OK","field":"duration","count":1,"sum":6447,"min":6447,"max":6447,"avg":6447.00,"median":6447,"stddev":0.00,"%95":6447},
        {"metric_name":"imap_command_LOGOUT","field":"duration","count":1,"sum":211,"min":211,"max":211,"avg":211.00,"median":211,"stddev":0.00,"%95":211},
        {"metric_name":"mail_delivery","field":"duration","count":3,"sum":27048,"min":4367,"max":15959,"avg":9016.00,"median":6722,"stddev":5002.70,"%95":15959},
        {"metric_name":"mail_delivery","field":"bytes","count":3,"sum":4200,"min":1000,"max":2000,"avg":1400.00,"median":1200,"stddev":400.00,"%95":2000},
        {"metric_name":"mail_delivery_duration_10001_100000","field":"duration","count":1,"sum":15959,"min":15959,"max":15959,"avg":15959.00,"median":15959,"stddev":0.00,"%95":15959},
        {"metric_name":"mail_delivery_duration_1001_10000","field":"duration","count":2,"sum":11089,"min":4367,"max":6722,"avg":5544.50,"median":5544,"stddev":1177.50,"%95":6722}]
        """;

    [Fact]
    public async Task EveryMetric_ItsGroups_ItsFields_AndItsHistogram_AreRead()
    {
        var reading = DovecotStatsSource.Build(await DovecotStatsReader.ReadAsync(Stream(Dump), CancellationToken.None));
        var samples = reading.Families.SelectMany(f => f.Samples.Select(s => $"{f.Name}{{{string.Join(",", f.LabelNames.Zip(s.Labels, (n, v) => $"{n}={v}"))}}} {s.Value}")).ToList();

        Assert.Contains("mailserver_dovecot_events_total{metric=auth_failures,group=} 1", samples);
        Assert.Contains("mailserver_dovecot_events_total{metric=imap_command,group=SELECT_OK} 1", samples);
        Assert.Contains("mailserver_dovecot_events_total{metric=imap_command,group=LOGOUT} 1", samples);
        Assert.Contains("mailserver_dovecot_events_total{metric=mail_delivery,group=} 3", samples);
        Assert.Contains("mailserver_dovecot_duration_seconds_total{metric=mail_delivery,group=} 0.027048", samples);
        Assert.Contains("mailserver_dovecot_duration_seconds{metric=imap_command,group=,quantile=0.95} 0.006447", samples);
        Assert.Contains("mailserver_dovecot_field_total{metric=mail_delivery,group=,field=bytes} 4200", samples);
        // The histogram, cumulative, in seconds: 2 deliveries up to 10 ms, 3 up to 100 ms, and every one.
        Assert.Contains("mailserver_dovecot_events_bucket{metric=mail_delivery,group=,field=duration,le=0.01} 2", samples);
        Assert.Contains("mailserver_dovecot_events_bucket{metric=mail_delivery,group=,field=duration,le=0.1} 3", samples);
        Assert.Contains("mailserver_dovecot_events_bucket{metric=mail_delivery,group=,field=duration,le=+Inf} 3", samples);
        // A bucket is not a group of its own.
        Assert.DoesNotContain(samples, s => s.Contains("group=duration_", StringComparison.Ordinal));
        Assert.Equal(7, reading.Families.Single(f => f.Name == "mailserver_dovecot_events_total").Samples.Count);
    }

    [Fact]
    public void AGroupInsideAnother_IsNamedFromTheShortestMetric()
    {
        var names = new HashSet<string>(["imap_command", "imap_command_SELECT", "imap_command_SELECT_OK"]);

        Assert.Equal(("imap_command", "SELECT_OK"), DovecotStatsSource.Split("imap_command_SELECT_OK", names));
        Assert.Equal(("imap_command", ""), DovecotStatsSource.Split("imap_command", names));
        Assert.Equal(("SELECT", "duration", 10000.0), DovecotStatsSource.Bucket("SELECT_duration_1001_10000", new HashSet<string>(["duration"])));
        Assert.Equal(("", "duration", double.PositiveInfinity), DovecotStatsSource.Bucket("duration_100001_inf", new HashSet<string>(["duration"])));
        Assert.Null(DovecotStatsSource.Bucket("SELECT_OK", new HashSet<string>(["duration"])));
    }

    [Theory]
    [InlineData("[{\"metric_name\":\"auth_success\",\"field\":\"duration\",\"count\":1", "")]
    [InlineData("{\"metric_name\":\"auth_success\"}", "not a JSON array")]
    [InlineData("[{\"field\":\"duration\",\"count\":1,\"sum\":1,\"median\":1,\"%95\":1}]", "without metric_name")]
    [InlineData("[{\"metric_name\":\"a\",\"field\":\"duration\",\"count\":true,\"sum\":1,\"median\":1,\"%95\":1}]", "count is not a number")]
    [InlineData("doveadm(root): Error: stats: open(stats-reader) failed", "")]
    public async Task ADumpThatIsNotWhole_IsAnError(string text, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DovecotStatsReader.ReadAsync(Stream(text), CancellationToken.None));

        Assert.True(error is InvalidDataException or System.Text.Json.JsonException, error.ToString());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADumpPastItsBound_IsAnError_NotMemoryWithoutEnd()
    {
        var endless = new MemoryStream(new byte[DovecotStatsReader.MaxBytes + 1]);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => DovecotStatsReader.ReadAsync(endless, CancellationToken.None));

        Assert.Equal("a statistics dump larger than 16 MiB", error.Message);
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}
