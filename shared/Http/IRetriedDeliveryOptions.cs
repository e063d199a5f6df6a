namespace MailserverWorkers.Shared.Http;

/// <summary>How an idempotent HTTP side effect (a metrics push, a heartbeat) is retried.</summary>
public interface IRetriedDeliveryOptions
{
    /// <summary>Attempts in all, the first included.</summary>
    int Attempts { get; }

    /// <summary>The first backoff; each later one doubles it, with jitter (1 s, 2 s, 4 s, ... by default).</summary>
    TimeSpan RetryDelay { get; }

    /// <summary>The limit of one attempt, connect to last byte.</summary>
    TimeSpan AttemptTimeout { get; }
}
