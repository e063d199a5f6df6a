namespace MailserverWorkers.RoundtripProbe;

/// <summary>The stages of a round trip; each has a duration, and a failure names the one that failed.</summary>
public enum ProbeStage
{
    /// <summary>Handing the probe mail to the relay (SMTP submission or Brevo's API).</summary>
    Send,

    /// <summary>Logging in to IMAP and waiting for the mail to arrive.</summary>
    Delivery,

    /// <summary>Deleting the probe mail and earlier leftovers.</summary>
    Cleanup,
}

internal static class ProbeStageNames
{
    public static string Label(this ProbeStage stage) => stage switch
    {
        ProbeStage.Send => "send",
        ProbeStage.Delivery => "delivery",
        ProbeStage.Cleanup => "cleanup",
        _ => throw new ArgumentOutOfRangeException(nameof(stage)),
    };
}
