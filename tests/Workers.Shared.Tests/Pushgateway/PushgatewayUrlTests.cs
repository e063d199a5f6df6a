using MailserverWorkers.Shared.Pushgateway;

namespace MailserverWorkers.Shared.Tests.Pushgateway;

public sealed class PushgatewayUrlTests
{
    [Theory]
    [InlineData("http://gw:9091", "email-roundtrip", "", "", "http://gw:9091/metrics/job/email-roundtrip")]
    [InlineData("http://gw:9091/", "backup", "instance", "eu-1", "http://gw:9091/metrics/job/backup/instance/eu-1")]
    [InlineData("https://user:pw@gw/prefix/", "j", "instance", "a b", "https://gw/prefix/metrics/job/j/instance/a%20b")]
    [InlineData("http://gw", "j", "path", "/var/mail", "http://gw/metrics/job/j/path@base64/L3Zhci9tYWls")]
    [InlineData("http://gw", "j", "empty", "", "http://gw/metrics/job/j/empty@base64/=")]
    [InlineData("http://gw", "a/b", "", "", "http://gw/metrics/job@base64/YS9i")]
    public void For_FollowsThePushgatewayUrlScheme(string baseUrl, string job, string label, string value, string expected)
    {
        var labels = label.Length == 0 ? [] : new[] { KeyValuePair.Create(label, value) };

        Assert.Equal(expected, PushgatewayUrl.For(new Uri(baseUrl), job, labels).AbsoluteUri);
    }

    [Theory]
    [InlineData("instance", true)]
    [InlineData("_x1", true)]
    [InlineData("1x", false)]
    [InlineData("__name__", false)]
    [InlineData("a-b", false)]
    public void IsValidLabelName_FollowsPrometheus(string name, bool valid) => Assert.Equal(valid, PushgatewayUrl.IsValidLabelName(name));
}
