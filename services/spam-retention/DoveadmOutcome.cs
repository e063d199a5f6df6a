namespace MailserverWorkers.SpamRetention;

/// <summary>What a doveadm command printed, when it can be trusted, or why it cannot (<see cref="Problem"/>).</summary>
public sealed record DoveadmOutcome<T>(T? Output, string? Problem);
