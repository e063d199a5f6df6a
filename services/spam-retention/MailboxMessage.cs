namespace MailserverWorkers.SpamRetention;

/// <summary>
/// One message as a backend saw it: its id in that backend (a UID, or a Maildir file's path), when the server
/// received it, its size, the header fields retention reads, or why they could not be read.
/// </summary>
public sealed record MailboxMessage(string Id, DateTimeOffset ReceivedAt, long Size, MessageHeaders? Headers, string? Error);
