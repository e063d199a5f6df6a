namespace MailserverWorkers.HaproxyHealth;

/// <summary>Where HAProxy's stats CSV comes from: its stats socket or its stats page.</summary>
public interface IHaproxyStatsSource
{
    /// <summary>Where, for log lines.</summary>
    string Describe();

    Task<string> ReadCsvAsync(CancellationToken cancellationToken);
}
