using System.Text.Json;
using MailserverWorkers.Testing;

namespace MailserverWorkers.Shared.Tests.Logging;

/// <summary>README: <c>Logging__Console__FormatterName=json</c> switches a worker's log to JSON lines.</summary>
public sealed class JsonLogFormatTests
{
    [Fact]
    public async Task WithTheJsonFormatter_EveryLogLineIsOneJsonObject_WithLevelCategoryAndMessage()
    {
        var environment = new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["Targets__closed__Host"] = "127.0.0.1",
            ["Targets__closed__Port"] = LoopbackPorts.Closed().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Targets__closed__Protocol"] = "tcp",
            ["Targets__closed__Attempts"] = "1",
        };

        var run = await WorkerProcess.RunAsync("haproxy-health", environment, captureStandardErrorSeparately: true);

        Assert.True(run.ExitCode == 1, run.ToString());
        var lines = run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 3, run.ToString());
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(entries, e =>
        {
            Assert.True(e.TryGetProperty("LogLevel", out _), e.ToString());
            Assert.True(e.TryGetProperty("Category", out _), e.ToString());
            Assert.True(e.TryGetProperty("Message", out _), e.ToString());
        });
        Assert.Contains(entries, e => e.GetProperty("LogLevel").GetString() == "Error" && e.GetProperty("Message").GetString()!.StartsWith("FAILED target closed: 0/1 attempts succeeded", StringComparison.Ordinal));
    }
}
