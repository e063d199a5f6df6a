using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>The stats page's CSV export (<c>&lt;stats uri&gt;;csv</c>), with basic auth where <c>stats auth</c> is set.</summary>
public sealed class HaproxyStatsPage(HttpClient http, IOptions<HaproxyOptions> options) : IHaproxyStatsSource
{
    public string Describe() => $"stats page {Url().GetLeftPart(UriPartial.Path)}";

    public async Task<string> ReadCsvAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, Url());
        if (settings.Username is { Length: > 0 } user)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{settings.Password}")));
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
