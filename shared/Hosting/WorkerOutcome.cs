using MailserverWorkers.Shared.UptimeKuma;
using Prometheus;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// What one run of a job came to. The job only computes it; the host ends every worker's run the same way from it
/// (<see cref="RunReporter"/>): the standard metrics, the samples in the log, one push, the heartbeat, the exit code.
/// </summary>
/// <param name="ExitCode">The job's own exit code (<see cref="ExitCodes"/> or the worker's own, such as 3).</param>
/// <param name="Status">One line: what the run did or why it failed; the heartbeat's message unless <see cref="Heartbeat"/> says otherwise.</param>
public sealed record WorkerOutcome(int ExitCode, string Status)
{
    /// <summary>The run's own metrics; null for a command that reports nothing (a listing, a restore, a profile).</summary>
    public CollectorRegistry? Metrics { get; init; }

    /// <summary>The Pushgateway job when it is not the worker's (backup-runner's <c>&lt;name&gt;-backup</c>).</summary>
    public string? Job { get; init; }

    /// <summary>Grouping labels beyond the configured ones (a dry run's own group).</summary>
    public IReadOnlyDictionary<string, string>? GroupingLabels { get; init; }

    /// <summary>A rehearsal (a dry run): never stamped as the last success, its samples logged as such.</summary>
    public bool DryRun { get; init; }

    /// <summary>The heartbeat when it says more than the status (the probe's ping is the round trip).</summary>
    public Heartbeat? Heartbeat { get; init; }

    /// <summary>Whether the run reports at all.</summary>
    public bool Reports => Metrics is not null;
}
