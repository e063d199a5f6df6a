namespace MailserverWorkers.SpamRetention;

/// <summary>
/// Every message of the folder as one scan read it, and the folder's identity at that moment (Dovecot's mailbox GUID
/// and UIDVALIDITY; IMAP's UIDVALIDITY; the Maildir folder's device and inode). UIDs mean something only together
/// with it: a folder rebuilt between scan and delete gives the same UIDs to other messages, so a deletion whose
/// folder no longer has this identity deletes nothing.
/// </summary>
public sealed record MailboxScan(IReadOnlyList<MailboxMessage> Messages, string Identity);
