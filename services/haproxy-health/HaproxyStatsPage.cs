using System.Net.Http.Headers;
using System.Text;
using MailserverWorkers.Shared.Http;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>The stats page's CSV export (<c>&lt;stats uri&gt;;csv</c>), with basic auth where <c>stats auth</c> is set.</summary>
public sealed class HaproxyStatsPage(HttpClient http, IOptions<HaproxyOptions> options) : IHaproxyStatsSource
{
    // Through the one redaction: a StatsUrl may carry the stats password as user info.
    public string Describe() => $"stats page {UrlRedaction.Redact(Url())}";

    public async Task<string> ReadCsvAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, Url());
        // HAProxy__Username/Password, else the URL's own user info (HttpClient never sends it by itself).
        var credentials = settings.Username is { Length: > 0 } user ? $"{user}:{settings.Password}" : Uri.UnescapeDataString(settings.StatsUrl!.UserInfo);
        if (credentials.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} from {Describe()}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(limit.Token);
        return await BoundedAnswer.ReadAsync(body, limit.Token);
    }

    private Uri Url()
    {
        var url = options.Value.StatsUrl!;
        return url.AbsolutePath.EndsWith(";csv", StringComparison.Ordinal) ? url : new UriBuilder(url) { Path = url.AbsolutePath + ";csv" }.Uri;
    }
}
