using MailserverWorkers.Shared.Hosting;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// <c>--check</c> of spam-retention: the configured backend finds and opens the one folder as a run does (doveadm's
/// mailbox status in the pod or here, an IMAP EXAMINE with UIDPLUS, or the Maildir's folders opened link-free). No
/// message is read, nothing deleted.
/// </summary>
public sealed class RetentionCheck(IRetentionBackend backend) : IWorkerCheck
{
    public IEnumerable<CheckStep> Steps()
    {
        yield return new($"{backend.Describe()}: the folder found and opened, read-only", backend.CheckAsync);
    }
}
