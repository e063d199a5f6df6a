using MailserverWorkers.Shared.Http;

namespace MailserverWorkers.Shared.Tests.Http;

public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://u:p@kuma.example/api/push/AbCdEf?status=up&msg=OK", true, "https://kuma.example/api/push/***")]
    [InlineData("https://kuma.example/api/push/AbCdEf/", true, "https://kuma.example/api/push/***")]
    [InlineData("http://u:p@gw:9091/metrics/job/x?y=1", false, "http://gw:9091/metrics/job/x")]
    public void Redact_RemovesCredentialsQueryAndToken(string url, bool hideLastSegment, string expected) =>
        Assert.Equal(expected, UrlRedaction.Redact(new Uri(url), hideLastSegment));
}
