using MimeKit;

namespace MailserverWorkers.RoundtripProbe.Tests;

public sealed class SpamScoreHeaderTests
{
    [Theory]
    [InlineData("X-Spam-Score", "3.2", 3.2)]
    [InlineData("X-Rspamd-Score", "-0.10", -0.1)]
    [InlineData("X-Spamd-Result", "default: False [1.20 / 15.00];\r\n\tDMARC_POLICY_ALLOW(-0.50)[example.com,reject]", 1.2)]
    [InlineData("X-Spam-Status", "No, score=-1.9 required=5.0 tests=BAYES_00", -1.9)]
    public void Read_FindsTheScore_InEachFiltersHeader(string name, string value, double expected)
    {
        var headers = new HeaderList { { name, value } };

        Assert.Equal(expected, SpamScoreHeader.Read(headers));
    }

    [Fact]
    public void Read_ReturnsNull_WithoutAScoreHeader()
    {
        Assert.Null(SpamScoreHeader.Read(new HeaderList { { "X-Spam", "Yes" }, { "X-Spam-Score", "high" } }));
    }
}
