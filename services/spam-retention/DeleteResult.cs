namespace MailserverWorkers.SpamRetention;

/// <summary>What a deletion really removed (verified), and the error that cut it short.</summary>
public sealed record DeleteResult(IReadOnlySet<string> Gone, string? Error);
