using System.Globalization;
using MailserverWorkers.Shared.UptimeKuma;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The probe's Uptime Kuma heartbeat: up when the mail reached INBOX, down naming the failed stage or the junk verdict.</summary>
public static class RoundtripHeartbeat
{
    public static Heartbeat From(RoundtripResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = result.Outcome switch
        {
            RoundtripOutcome.Inbox => string.Create(CultureInfo.InvariantCulture, $"OK: in INBOX after {result.Duration.TotalSeconds:0.0}s"),
            RoundtripOutcome.Junk => string.Create(CultureInfo.InvariantCulture,
                $"delivered to {result.Mail?.Folder ?? "Junk"}: classified as spam{(result.SpamScore is { } s ? $" (score {s:0.##})" : "")}"),
            _ => $"{result.FailedStage?.Label() ?? "run"} failed: {result.Error}",
        };
        return new Heartbeat(result.Outcome == RoundtripOutcome.Inbox, message, result.Duration);
    }
}
