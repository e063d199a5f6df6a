using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Http;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The exit-code matrix of roundtrip-probe (README.md, "Exit codes").</summary>
public static class RoundtripExitCodes
{
    /// <summary>The mail arrived, but in the junk folder.</summary>
    public const int DeliveredToJunk = 3;

    /// <summary>
    /// 1 when the round trip failed, or when it worked but no report reached anyone (every configured push failed);
    /// 3 for junk; 0 for a round trip that worked with at least one report delivered or none configured.
    /// </summary>
    public static int For(RoundtripOutcome outcome, DeliveryResult pushgateway, DeliveryResult uptimeKuma)
    {
        ArgumentNullException.ThrowIfNull(pushgateway);
        ArgumentNullException.ThrowIfNull(uptimeKuma);
        if (outcome == RoundtripOutcome.Failed)
        {
            return ExitCodes.Failure;
        }

        var configured = new[] { pushgateway, uptimeKuma }.Where(d => d.Outcome != DeliveryOutcome.NotConfigured).ToList();
        if (configured.Count > 0 && !configured.Any(d => d.Delivered))
        {
            return ExitCodes.Failure;
        }

        return outcome == RoundtripOutcome.Junk ? DeliveredToJunk : ExitCodes.Success;
    }
}
