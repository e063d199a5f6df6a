using MimeKit;
using Prometheus;

namespace MailserverWorkers.RoundtripProbe.Tests;

public sealed class RoundtripMetricsTests
{
    private static async Task<string> ExpositionAsync(RoundtripResult result)
    {
        using var stream = new MemoryStream();
        await RoundtripMetrics.Build(result).CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static readonly DateTimeOffset Started = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Success_PushesStageDurations_AndTheMailsVerdicts_LeavingTheStandardMetricsToTheHost()
    {
        var text = await ExpositionAsync(new RoundtripResult
        {
            ProbeId = "p",
            StartedAt = Started,
            Outcome = RoundtripOutcome.Inbox,
            Duration = TimeSpan.FromSeconds(2.5),
            StageDurations = new Dictionary<ProbeStage, TimeSpan> { [ProbeStage.Send] = TimeSpan.FromSeconds(1), [ProbeStage.Delivery] = TimeSpan.FromSeconds(1.25), [ProbeStage.Cleanup] = TimeSpan.FromSeconds(0.25) },
            Mail = new FoundProbeMail("INBOX", false, Started, Started, []),
            Authentication = AuthenticationResultsHeader.Parse("mx; spf=pass; dkim=fail; dmarc=pass"),
            SpamScore = 1.5,
            LeftoversDeleted = 2,
        });

        Assert.Contains("email_roundtrip_delivered_to_junk 0\n", text);
        Assert.DoesNotContain("email_roundtrip_last_", text);
        Assert.DoesNotContain("email_roundtrip_duration_seconds", text);
        Assert.Contains("email_roundtrip_stage_duration_seconds{stage=\"delivery\"} 1.25\n", text);
        Assert.Contains("email_roundtrip_failure{stage=\"send\"} 0\n", text);
        Assert.Contains("email_roundtrip_spf_pass 1\n", text);
        Assert.Contains("email_roundtrip_dkim_pass 0\n", text);
        Assert.Contains("email_roundtrip_dmarc_pass 1\n", text);
        Assert.Contains("email_roundtrip_spam_score 1.5\n", text);
        Assert.Contains("email_roundtrip_leftovers_deleted 2\n", text);
    }

    [Fact]
    public async Task Failure_LeavesOutTheVerdicts_SoEarlierValuesSurvive()
    {
        var text = await ExpositionAsync(new RoundtripResult
        {
            ProbeId = "p",
            StartedAt = Started,
            Outcome = RoundtripOutcome.Failed,
            FailedStage = ProbeStage.Delivery,
            Error = "timeout",
            Duration = TimeSpan.FromMinutes(5),
            StageDurations = new Dictionary<ProbeStage, TimeSpan> { [ProbeStage.Send] = TimeSpan.FromSeconds(1) },
        });

        Assert.DoesNotContain("_pass", text);
        Assert.DoesNotContain("spam_score", text);
        Assert.Contains("email_roundtrip_failure{stage=\"delivery\"} 1\n", text);
        Assert.Contains("email_roundtrip_failure{stage=\"send\"} 0\n", text);
        Assert.Contains("email_roundtrip_failure{stage=\"cleanup\"} 0\n", text);
        Assert.DoesNotContain("stage_duration_seconds{stage=\"delivery\"}", text);
    }
}
