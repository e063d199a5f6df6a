namespace MailserverWorkers.RoundtripProbe.Tests;

public sealed class AuthenticationResultsHeaderTests
{
    [Fact]
    public void Parse_ReadsEachMethodsResult_IgnoringCommentsAndFolding()
    {
        const string value = "mail.example.test;\r\n\tdkim=pass (2048-bit key; unprotected) header.d=example.com header.i=@example.com;\r\n" +
                             "\tspf=pass (mail.example.test: domain of bounce@example.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=bounce@example.com;\r\n" +
                             "\tdmarc=pass (policy=reject) header.from=example.com";

        var header = AuthenticationResultsHeader.Parse(value)!;

        Assert.Equal("mail.example.test", header.AuthServId);
        Assert.True(header.Passed("spf"));
        Assert.True(header.Passed("dkim"));
        Assert.True(header.Passed("dmarc"));
    }

    [Fact]
    public void Parse_CountsAnyPassingDkimSignature_AndReadsVersionedAuthServIds()
    {
        var header = AuthenticationResultsHeader.Parse("mx.example.net 1; dkim=fail header.d=a.com; dkim=pass header.d=b.com; spf=softfail; dmarc=none")!;

        Assert.Equal("mx.example.net", header.AuthServId);
        Assert.True(header.Passed("dkim"));
        Assert.Equal(["fail", "pass"], header.ResultsFor("dkim"));
        Assert.False(header.Passed("spf"));
        Assert.Equal(["softfail"], header.ResultsFor("spf"));
        Assert.False(header.Passed("dmarc"));
    }

    [Fact]
    public void Parse_ReadsNoResultsFromAHeaderThatSaysNone()
    {
        var header = AuthenticationResultsHeader.Parse("mail.example.test; none")!;

        Assert.Empty(header.ResultsFor("spf"));
        Assert.False(header.Passed("spf"));
    }

    [Fact]
    public void Select_BelievesOnlyTheTrustedServer_WhenOneIsConfigured()
    {
        // A sender can write any Authentication-Results header into its own mail.
        string[] headers = ["mail.example.test; spf=fail smtp.mailfrom=x@y.z", "forged.example; spf=pass dkim=pass dmarc=pass"];

        Assert.False(AuthenticationResultsHeader.Select(headers, "mail.example.test")!.Passed("spf"));
        Assert.Null(AuthenticationResultsHeader.Select(headers.Skip(1), "mail.example.test"));
        Assert.Equal("mail.example.test", AuthenticationResultsHeader.Select(headers, null)!.AuthServId);
    }
}
