namespace MailserverWorkers.SpamRetention;

/// <summary>One message with what the policy says of it.</summary>
public sealed record ClassifiedMessage(MailboxMessage Message, IReadOnlyList<string> Markers, RetentionDecision Decision)
{
    public bool Automated => Markers.Count > 0;
}

/// <summary>The whole mailbox classified at one instant: what stays, what each rule takes, and what could not be read.</summary>
public sealed class RetentionPlan
{
    private RetentionPlan(IReadOnlyList<ClassifiedMessage> messages, IReadOnlyList<MailboxMessage> unreadable, DateTimeOffset now)
    {
        Messages = messages;
        Unreadable = unreadable;
        Now = now;
    }

    public DateTimeOffset Now { get; }

    /// <summary>Every readable message.</summary>
    public IReadOnlyList<ClassifiedMessage> Messages { get; }

    /// <summary>Messages whose header could not be read: kept, and counted as errors.</summary>
    public IReadOnlyList<MailboxMessage> Unreadable { get; }

    public int Scanned => Messages.Count + Unreadable.Count;

    public long Bytes => Messages.Sum(m => m.Message.Size) + Unreadable.Sum(m => m.Size);

    public List<ClassifiedMessage> Doomed(RetentionDecision decision) => Messages.Where(m => m.Decision == decision).ToList();

    public int DoomedCount => Messages.Count(m => m.Decision != RetentionDecision.Keep);

    /// <summary>Whether deleting what the plan dooms would pass <c>Retention__MaxDelete</c> or <c>Retention__MaxDeletePercent</c> of what was scanned.</summary>
    public bool ExceedsCaps(RetentionOptions caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        return DoomedCount > caps.MaxDelete || DoomedCount * 100.0 > caps.MaxDeletePercent * Scanned;
    }

    public static RetentionPlan Build(IReadOnlyList<MailboxMessage> scanned, RetentionPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scanned);
        ArgumentNullException.ThrowIfNull(policy);
        var messages = new List<ClassifiedMessage>(scanned.Count);
        var unreadable = new List<MailboxMessage>();
        foreach (var message in scanned)
        {
            if (message.Error is not null)
            {
                unreadable.Add(message);
            }
            else if (message.Headers is { } headers)
            {
                var markers = policy.MarkersOf(headers);
                messages.Add(new ClassifiedMessage(message, markers, policy.Decide(markers.Count > 0, message.ReceivedAt, now)));
            }

            // Neither headers nor error: the message vanished while the run read it. Not an error, not counted.
        }

        return new RetentionPlan(messages, unreadable, now);
    }
}
