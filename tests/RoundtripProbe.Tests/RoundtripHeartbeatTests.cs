using MailserverWorkers.Shared.UptimeKuma;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>The probe's heartbeat, as the URL the notifier sends it by.</summary>
public sealed class RoundtripHeartbeatTests
{
    private static RoundtripResult Result(RoundtripOutcome outcome, TimeSpan duration, ProbeStage? stage = null, string? error = null) => new()
    {
        ProbeId = "e2e-probe-20261125T100000Z-abcdefgh",
        StartedAt = DateTimeOffset.UnixEpoch,
        Outcome = outcome,
        FailedStage = stage,
        Error = error,
        Duration = duration,
        StageDurations = new Dictionary<ProbeStage, TimeSpan>(),
    };

    [Fact]
    public void HeartbeatUrl_ReplacesTheQueryKumaShows_WithUpAndThePingInMilliseconds()
    {
        var url = UptimeKumaNotifier.HeartbeatUrl(new Uri("https://kuma.example/api/push/Tok3n?status=up&msg=OK&ping="),
            RoundtripHeartbeat.From(Result(RoundtripOutcome.Inbox, TimeSpan.FromMilliseconds(1234.6))));

        Assert.Equal("https://kuma.example/api/push/Tok3n?status=up&msg=OK%3A%20in%20INBOX%20after%201.2s&ping=1235", url.AbsoluteUri);
    }

    [Fact]
    public void HeartbeatUrl_SaysDown_WithTheFailedStage()
    {
        var url = UptimeKumaNotifier.HeartbeatUrl(new Uri("https://kuma.example/api/push/Tok3n"),
            RoundtripHeartbeat.From(Result(RoundtripOutcome.Failed, TimeSpan.FromSeconds(300), ProbeStage.Delivery, "e2e-probe-x did not arrive within Probe__Deadline=00:05:00")));

        Assert.Equal("status=down&msg=delivery%20failed%3A%20e2e-probe-x%20did%20not%20arrive%20within%20Probe__Deadline%3D00%3A05%3A00&ping=300000",
            url.Query.TrimStart('?'));
    }

    [Fact]
    public void HeartbeatUrl_KeepsThePingWithinKumasRange_AndTheMessageShort()
    {
        var url = UptimeKumaNotifier.HeartbeatUrl(new Uri("https://kuma.example/api/push/T"),
            RoundtripHeartbeat.From(Result(RoundtripOutcome.Failed, TimeSpan.FromDays(2), ProbeStage.Send, new string('x', 1000))));

        Assert.EndsWith("&ping=86400000", url.Query);
        var msg = Uri.UnescapeDataString(url.Query.Split('&')[1]["msg=".Length..]);
        Assert.Equal(250, msg.Length);
    }
}
