namespace MailserverWorkers.SpamRetention;

/// <summary>How an attempt to read a Maildir file ended.</summary>
internal enum FileOutcome
{
    Read,
    SymbolicLink,
    NotRegular,
    Vanished,
    Failed,
}
