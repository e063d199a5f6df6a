using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace MailserverWorkers.Testing;

/// <summary>Reads values back through Prometheus's HTTP query API (what Grafana and the alert rules see).</summary>
public sealed class PrometheusQuery(Uri prometheusUrl) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = prometheusUrl, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The instant query's values, one per series.</summary>
    public async Task<IReadOnlyList<double>> QueryAsync(string promql)
    {
        using var json = await http.GetFromJsonAsync<JsonDocument>("/api/v1/query?query=" + Uri.EscapeDataString(promql))
            ?? throw new InvalidOperationException("empty answer");
        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))
            .ToList();
    }

    /// <summary>Polls until the query returns exactly one series, scrapes being every second; fails after <paramref name="timeout"/>.</summary>
    public async Task<double> WaitForSingleValueAsync(string promql, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var values = await QueryAsync(promql);
            if (values.Count == 1)
            {
                return values[0];
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Prometheus returned {values.Count} series for {promql} after {timeout}");
            }

            await Task.Delay(250);
        }
    }

    public void Dispose() => http.Dispose();
}
