namespace MailserverWorkers.SpamRetention;

/// <summary>What <c>statx</c> says of a file: its kind, size and modification time (Dovecot's received time for Maildir).</summary>
internal readonly record struct FileState(FileKind Kind, long Size, DateTimeOffset Modified);
