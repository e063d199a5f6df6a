namespace MailserverWorkers.SpamRetention;

/// <summary>Values of <c>Retention__Backend</c>.</summary>
public enum RetentionBackendKind
{
    Dovecot,
    Imap,
    Maildir,
}
