namespace MailserverWorkers.Shared.Http;

/// <summary>What became of one retried HTTP side effect.</summary>
/// <param name="Outcome">Delivered, failed after its attempts, or not configured at all.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastError">The last status or exception, when it failed.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, int Attempts, string? LastError)
{
    /// <summary>The side effect is switched off (its URL is not set).</summary>
    public static DeliveryResult NotConfigured { get; } = new(DeliveryOutcome.NotConfigured, 0, null);

    /// <summary>True when the receiver answered 2xx.</summary>
    public bool Delivered => Outcome == DeliveryOutcome.Delivered;
}

/// <summary>See <see cref="DeliveryResult"/>.</summary>
public enum DeliveryOutcome
{
    /// <summary>No URL was configured; nothing was attempted.</summary>
    NotConfigured,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed, or the receiver refused it with a status that retrying cannot change.</summary>
    Failed,
}
