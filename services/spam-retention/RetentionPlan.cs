namespace MailserverWorkers.SpamRetention;

/// <summary>One message with what the policy says of it.</summary>
public sealed record ClassifiedMessage(MailboxMessage Message, IReadOnlyList<string> Markers, RetentionDecision Decision)
{
    public bool Automated => Markers.Count > 0;
}

/// <summary>
/// The mailbox classified at one instant, as the scan reads it: each message is decided when it arrives
/// (<see cref="Add"/>, from any thread), and only what a command needs of it is held: the counts of everything, the
/// messages a rule takes and those that could not be read; every message only for the profile. So a run over 100,000
/// messages holds what it may delete, not the mailbox; a dry run holds none of it (<paramref name="onDoomed"/> names each
/// as it is decided). The caps are checked on the whole, before anything is deleted.
/// </summary>
/// <param name="policy">The rules.</param>
/// <param name="now">The instant the ages are taken at.</param>
/// <param name="keepAll">Hold every readable message (the profile reads them all).</param>
/// <param name="holdDoomedAtMost">
/// Stop holding doomed messages once more than this many are doomed (a real run without --force: past
/// <c>Retention__MaxDelete</c> it refuses whatever else the mailbox holds, so their list is never needed; a dry run: 0);
/// null: hold them all.
/// </param>
/// <param name="onDoomed">Called with each doomed message as it is decided (any thread; a dry run's log line).</param>
public sealed class RetentionPlan(
    RetentionPolicy policy, DateTimeOffset now, bool keepAll = false, int? holdDoomedAtMost = null, Action<ClassifiedMessage>? onDoomed = null)
{
    private readonly Lock gate = new();
    private readonly List<ClassifiedMessage> held = [];
    private readonly List<MailboxMessage> unreadable = [];
    private int readable;
    private long bytes;
    private readonly Dictionary<RetentionDecision, (int Count, long Bytes)> doomedBy = [];
    private bool doomedDropped;

    public DateTimeOffset Now { get; } = now;

    /// <summary>The readable messages held: every one with <c>keepAll</c>, else those a rule takes (unless dropped past the cap).</summary>
    public IReadOnlyList<ClassifiedMessage> Messages => held;

    /// <summary>Messages whose header could not be read: kept, and counted as errors.</summary>
    public IReadOnlyList<MailboxMessage> Unreadable => unreadable;

    public int Scanned => readable + unreadable.Count;

    public long Bytes => bytes;

    public int DoomedCount => doomedBy.Values.Sum(d => d.Count);

    /// <summary>How many messages <paramref name="decision"/> takes, and their bytes, held or not.</summary>
    public (int Count, long Bytes) DoomedBy(RetentionDecision decision) => doomedBy.GetValueOrDefault(decision);

    /// <summary>Whether more messages were doomed than <c>holdDoomedAtMost</c>, so that their list was let go.</summary>
    public bool DoomedDropped => doomedDropped;

    public List<ClassifiedMessage> Doomed(RetentionDecision decision) =>
        doomedDropped ? throw new InvalidOperationException("the doomed messages were not held: the caps refuse them")
            : held.Where(m => m.Decision == decision).ToList();

    /// <summary>Whether deleting what the plan dooms would pass <c>Retention__MaxDelete</c> or <c>Retention__MaxDeletePercent</c> of what was scanned.</summary>
    public bool ExceedsCaps(RetentionOptions caps)
    {
        ArgumentNullException.ThrowIfNull(caps);
        return DoomedCount > caps.MaxDelete || DoomedCount * 100.0 > caps.MaxDeletePercent * Scanned;
    }

    /// <summary>Decides one message as the scan hands it over; safe to call from several threads at once.</summary>
    public void Add(MailboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Error is not null)
        {
            lock (gate)
            {
                unreadable.Add(message);
                bytes += message.Size;
            }

            return;
        }

        // Neither headers nor error: the message vanished while the run read it. Not an error, not counted.
        if (message.Headers is not { } headers)
        {
            return;
        }

        var markers = policy.MarkersOf(headers);
        var classified = new ClassifiedMessage(message, markers, policy.Decide(markers.Count > 0, message.ReceivedAt, Now));
        var isDoomed = classified.Decision != RetentionDecision.Keep;
        lock (gate)
        {
            readable++;
            bytes += message.Size;
            if (isDoomed)
            {
                var (count, sum) = doomedBy.GetValueOrDefault(classified.Decision);
                doomedBy[classified.Decision] = (count + 1, sum + message.Size);
                if (!keepAll && DoomedCount > holdDoomedAtMost && !doomedDropped)
                {
                    // Without keepAll only doomed messages are held.
                    held.Clear();
                    doomedDropped = true;
                }
            }

            if (keepAll || (isDoomed && !doomedDropped))
            {
                held.Add(classified);
            }
        }

        if (isDoomed)
        {
            onDoomed?.Invoke(classified);
        }
    }
}
