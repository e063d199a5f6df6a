namespace MailserverWorkers.SpamRetention;

/// <summary>One name in a directory and its kind as the listing gave it.</summary>
internal sealed record DirectoryEntry(string Name, FileKind Kind);
