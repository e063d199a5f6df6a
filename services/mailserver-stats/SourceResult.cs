namespace MailserverWorkers.MailserverStats;

/// <summary>How reading one source went: what it read, or why it could not.</summary>
public sealed record SourceResult(string Source, StatsReading? Reading, string? Failure, TimeSpan Duration);
