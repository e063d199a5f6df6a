namespace MailserverWorkers.MailserverStats;

/// <summary>A source could not be read: the one line that says why (the tool's own message where it gave one).</summary>
public sealed class StatsSourceException(string message, Exception? inner = null) : Exception(message, inner);
