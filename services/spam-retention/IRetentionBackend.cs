namespace MailserverWorkers.SpamRetention;

/// <summary>One way to reach the mailbox: doveadm, IMAP or the Maildir itself. The policy is the same for all.</summary>
public interface IRetentionBackend
{
    /// <summary>What the backend reads, for log lines.</summary>
    string Describe();

    /// <summary>
    /// Reads every message of the one folder: ids, received times, sizes and the header fields in
    /// <paramref name="headerNames"/>, parsed by <see cref="HeaderBlockReader"/> from the raw header, and hands each to
    /// <paramref name="onMessage"/> as soon as it is read (from several threads at once: the maildir backend reads on
    /// every core), holding none of them. A message that cannot be read is handed over with its error (it is kept); it
    /// never stops the others being read.
    /// </summary>
    Task<MailboxScan> ScanAsync(IReadOnlyList<string> headerNames, Action<MailboxMessage> onMessage, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes those of <paramref name="messages"/> still received before <paramref name="cutoff"/> (checked again now),
    /// only when the folder is still the one <paramref name="scan"/> read (its identity), and returns the ids really
    /// gone, checked after the fact, with the error that stopped it, if any. A message already gone is not an error
    /// and not counted.
    /// </summary>
    Task<DeleteResult> DeleteAsync(MailboxScan scan, IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// What <c>--check</c> proves: the folder is found and opened as a run opens it (its identity read), read-only,
    /// no message read, nothing changed. Throws with the backend's own words when it cannot.
    /// </summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>Work after all deletions (the maildir backend's force-resync).</summary>
    Task FinishAsync(bool deletedAny, CancellationToken cancellationToken);
}
