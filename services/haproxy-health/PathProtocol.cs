namespace MailserverWorkers.HaproxyHealth;

/// <summary>Values of <c>Targets__&lt;name&gt;__Protocol</c>: <c>tcp</c>, <c>smtp</c>, <c>smtp-starttls</c>, <c>smtps</c>, <c>imap</c>, <c>imaps</c>.</summary>
public enum PathProtocol
{
    Tcp,
    Smtp,
    SmtpStarttls,
    Smtps,
    Imap,
    Imaps,
}
