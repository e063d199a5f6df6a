namespace MailserverWorkers.MailserverStats;

/// <summary>
/// One thing the mail server knows about itself (Postfix's queue, Dovecot's statistics, Rspamd's counters), read by
/// one command. A source that fails throws <see cref="StatsSourceException"/>: it adds nothing to the run's metrics
/// but its <c>mailserver_stats_source_up</c> 0, and the other sources are still read and pushed.
/// </summary>
public interface IStatsSource
{
    /// <summary>The <c>source</c> label: <c>postfix</c>, <c>dovecot</c> or <c>rspamd</c>.</summary>
    string Name { get; }

    /// <summary>Reads the source once; what it read is whole (never part of a truncated output).</summary>
    Task<StatsReading> ReadAsync(CancellationToken cancellationToken);
}
