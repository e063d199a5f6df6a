namespace MailserverWorkers.SpamRetention;

/// <summary>One way to reach the mailbox: doveadm, IMAP or the Maildir itself. The policy is the same for all.</summary>
public interface IRetentionBackend
{
    /// <summary>What the backend reads, for log lines.</summary>
    string Describe();

    /// <summary>Reads every message of the mailbox: ids, received times, sizes and the fields in <paramref name="headerNames"/>.</summary>
    Task<IReadOnlyList<MailboxMessage>> ScanAsync(IReadOnlyList<string> headerNames, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes those of <paramref name="messages"/> still received before <paramref name="cutoff"/> (checked again now)
    /// and returns the ids really gone, checked after the fact, with the error that stopped it, if any. A message
    /// already gone is not an error and not counted.
    /// </summary>
    Task<DeleteResult> DeleteAsync(IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Work after all deletions (the maildir backend's force-resync).</summary>
    Task FinishAsync(bool deletedAny, CancellationToken cancellationToken);
}

/// <summary>What a deletion really removed (verified), and the error that cut it short.</summary>
public sealed record DeleteResult(IReadOnlySet<string> Gone, string? Error);
