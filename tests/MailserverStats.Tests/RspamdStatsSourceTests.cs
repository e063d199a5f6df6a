using System.Text;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>rspamc -j stat as Rspamd 3.4 prints it, and what it prints when the controller refuses.</summary>
public sealed class RspamdStatsSourceTests
{
    private const string Stat = """
        {"version":"3.4","uptime":163,"read_only":false,"scanned":54,"learned":2,
         "actions":{"reject":4,"soft reject":0,"rewrite subject":0,"add header":7,"greylist":0,"no action":43},
         "scan_times":[0.156441,null],"spam_count":11,"ham_count":43,"connections":5,"control_connections":3,
         "fuzzy_hashes":{"local":12},"total_learns":2,"statfiles":[]}
        """;

    [Fact]
    public async Task TheCounters_EachAction_AndEachFuzzyStorage_AreRead()
    {
        var reading = await RspamdStatsSource.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(Stat)), CancellationToken.None);
        var samples = reading.Families.SelectMany(f => f.Samples.Select(s => $"{f.Name}{{{string.Join(",", s.Labels)}}} {s.Value}")).ToList();

        Assert.Contains("mailserver_rspamd_scanned_total{} 54", samples);
        Assert.Contains("mailserver_rspamd_learned_total{} 2", samples);
        Assert.Contains("mailserver_rspamd_spam_total{} 11", samples);
        Assert.Contains("mailserver_rspamd_ham_total{} 43", samples);
        Assert.Contains("mailserver_rspamd_actions_total{add header} 7", samples);
        Assert.Contains("mailserver_rspamd_actions_total{no action} 43", samples);
        Assert.Contains("mailserver_rspamd_fuzzy_hashes{local} 12", samples);
        Assert.Contains("mailserver_rspamd_uptime_seconds{} 163", samples);
        Assert.True(reading.Families.Single(f => f.Name == "mailserver_rspamd_scanned_total").Counter);
    }

    [Theory]
    [InlineData("{\"error\":\"Unauthorized\"}", "Rspamd answered an error: Unauthorized")]
    [InlineData("{\"scanned\":1,\"actions\":{\"reject\":", "")]
    [InlineData("{\"scanned\":1}", "learned is not a number")]
    [InlineData("{\"scanned\":\"many\",\"actions\":{},\"spam_count\":1,\"ham_count\":1}", "scanned is not a number")]
    public async Task StatisticsThatAreNotWhole_AreAnError(string text, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => RspamdStatsSource.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), CancellationToken.None));

        Assert.True(error is InvalidDataException or System.Text.Json.JsonException, error.ToString());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
