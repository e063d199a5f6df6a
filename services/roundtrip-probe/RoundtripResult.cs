namespace MailserverWorkers.RoundtripProbe;

/// <summary>What one round trip found; the metrics, the Uptime Kuma heartbeat and the exit code are all made from it.</summary>
public sealed record RoundtripResult
{
    public required string ProbeId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required RoundtripOutcome Outcome { get; init; }

    /// <summary>The stage that failed, when <see cref="Outcome"/> is <see cref="RoundtripOutcome.Failed"/>.</summary>
    public ProbeStage? FailedStage { get; init; }

    public string? Error { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>Durations of the stages that ran.</summary>
    public required IReadOnlyDictionary<ProbeStage, TimeSpan> StageDurations { get; init; }

    public FoundProbeMail? Mail { get; init; }

    public AuthenticationResultsHeader? Authentication { get; init; }

    public double? SpamScore { get; init; }

    public int LeftoversDeleted { get; init; }
}

/// <summary>How a round trip ended.</summary>
public enum RoundtripOutcome
{
    /// <summary>Sent, found in INBOX, cleaned up.</summary>
    Inbox,

    /// <summary>Sent and delivered, but into the junk folder: the mail system works, its spam verdict on our mail does not.</summary>
    Junk,

    /// <summary>A stage failed.</summary>
    Failed,
}
