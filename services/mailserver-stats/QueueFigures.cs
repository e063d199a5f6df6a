namespace MailserverWorkers.MailserverStats;

/// <summary>What <c>postqueue -j</c> listed, added up as it streams by: nothing of a message is kept but its sums.</summary>
public sealed class QueueFigures
{
    /// <summary>Postfix's queues (postqueue(1)); each is reported, empty or not.</summary>
    public static readonly string[] Queues = ["maildrop", "incoming", "active", "deferred", "hold"];

    public Dictionary<string, QueueTotals> ByQueue { get; } = Queues.ToDictionary(q => q, _ => new QueueTotals(), StringComparer.Ordinal);

    /// <summary>Recipients waiting in the deferred queue, by recipient domain (lower case).</summary>
    public Dictionary<string, long> DeferredByDomain { get; } = new(StringComparer.Ordinal);

    /// <summary>Recipients waiting in the deferred queue, by the status of their delay reason (<see cref="DelayReason"/>).</summary>
    public Dictionary<string, long> DeferredByStatus { get; } = new(StringComparer.Ordinal);

    public long Messages => ByQueue.Values.Sum(q => q.Messages);

    public void AddMessage(string queue, long arrival, long size)
    {
        if (!ByQueue.TryGetValue(queue, out var totals))
        {
            totals = new QueueTotals();
            ByQueue.Add(queue, totals);
        }

        totals.Messages++;
        totals.Bytes += size;
        totals.OldestArrival = Math.Min(totals.OldestArrival, arrival);
    }

    public void AddDeferredRecipient(string domain, string status)
    {
        DeferredByDomain[domain] = DeferredByDomain.GetValueOrDefault(domain) + 1;
        DeferredByStatus[status] = DeferredByStatus.GetValueOrDefault(status) + 1;
    }

    /// <summary>The <paramref name="top"/> largest counts by name, the rest summed as <c>other</c>.</summary>
    public static IEnumerable<(string Name, long Count)> Top(IReadOnlyDictionary<string, long> counts, int top)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var ordered = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        foreach (var (name, count) in ordered.Take(top))
        {
            yield return (name, count);
        }

        if (ordered.Count > top)
        {
            yield return ("other", ordered.Skip(top).Sum(c => c.Value));
        }
    }
}
