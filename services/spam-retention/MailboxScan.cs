namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The folder's identity when a scan read it (Dovecot's mailbox GUID and UIDVALIDITY; IMAP's UIDVALIDITY; the Maildir
/// folder's device and inode); the messages went, one by one, to the scan's receiver. UIDs mean something only together
/// with it: a folder rebuilt between scan and delete gives the same UIDs to other messages, so a deletion whose
/// folder no longer has this identity deletes nothing.
/// </summary>
public sealed record MailboxScan(string Identity);
