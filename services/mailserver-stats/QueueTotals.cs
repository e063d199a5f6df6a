namespace MailserverWorkers.MailserverStats;

/// <summary>One Postfix queue's sums.</summary>
public sealed class QueueTotals
{
    public long Messages { get; set; }

    public long Bytes { get; set; }

    /// <summary>The oldest message's arrival, Unix seconds; <see cref="long.MaxValue"/> while the queue is empty.</summary>
    public long OldestArrival { get; set; } = long.MaxValue;
}
