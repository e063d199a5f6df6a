using System.Text;

namespace MailserverWorkers.Shared.Pushgateway;

/// <summary>
/// Builds <c>&lt;base&gt;/metrics/job/&lt;job&gt;{/&lt;label&gt;/&lt;value&gt;}</c>. A value that is empty or contains
/// <c>/</c> goes in the <c>@base64</c> form (base64url), as the Pushgateway README specifies; others are
/// percent-encoded. Keep in sync with https://github.com/prometheus/pushgateway/blob/v1.5.1/README.md#url
/// </summary>
public static class PushgatewayUrl
{
    /// <summary>The grouping URL for <paramref name="job"/> and <paramref name="labels"/> (in the given order).</summary>
    public static Uri For(Uri baseUrl, string job, IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var builder = new StringBuilder(WithoutUserInfo(baseUrl).AbsoluteUri.TrimEnd('/'));
        builder.Append("/metrics");
        Append(builder, "job", job);
        foreach (var (name, value) in labels)
        {
            Append(builder, name, value);
        }

        return new Uri(builder.ToString());
    }

    /// <summary>The URL without <c>user:password@</c>.</summary>
    public static Uri WithoutUserInfo(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return string.IsNullOrEmpty(url.UserInfo) ? url : new UriBuilder(url) { UserName = "", Password = "" }.Uri;
    }

    /// <summary>A Prometheus label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, not reserved (<c>__</c> prefix).</summary>
    public static bool IsValidLabelName(string name) =>
        name.Length > 0 && !name.StartsWith("__", StringComparison.Ordinal) && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static void Append(StringBuilder builder, string name, string value)
    {
        builder.Append('/').Append(name);
        if (value.Length == 0 || value.Contains('/', StringComparison.Ordinal))
        {
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).Replace('+', '-').Replace('/', '_');
            // An empty value is spelt "=" in the base64 form (README: "/job/foo/label@base64/=").
            builder.Append("@base64/").Append(encoded.Length == 0 ? "=" : encoded);
        }
        else
        {
            builder.Append('/').Append(Uri.EscapeDataString(value));
        }
    }
}
