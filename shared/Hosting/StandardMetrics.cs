using Prometheus;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// The metrics every worker's run carries, one definition each, under the worker's prefix (README, "What every
/// worker shares"). The last success is the run's end, the moment the worker last knew all was well, so
/// <c>time() - &lt;prefix&gt;_last_success_timestamp_seconds</c> is how long that knowledge is stale; it is pushed only
/// by a successful run that was not a dry run, and the push is a POST, so a failed run leaves it in place.
/// </summary>
public static class StandardMetrics
{
    /// <summary>Adds the standard metrics for a run of <paramref name="outcome"/> to its registry.</summary>
    public static void Stamp(WorkerOutcome outcome, string prefix, DateTimeOffset startedAt, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(outcome.Metrics);
        var factory = Metrics.WithCustomRegistry(outcome.Metrics);
        var succeeded = outcome.ExitCode == ExitCodes.Success;
        factory.CreateGauge($"{prefix}_last_run_timestamp_seconds", "Start of the last run, Unix time.").Set(Seconds(startedAt));
        factory.CreateGauge($"{prefix}_last_run_success", "1 when the last run exited 0, else 0.").Set(succeeded ? 1 : 0);
        factory.CreateGauge($"{prefix}_last_run_exit_code", "The last run's exit code before its report (README, exit codes).").Set(outcome.ExitCode);
        factory.CreateGauge($"{prefix}_duration_seconds", "Duration of the last run, its report not included.").Set(duration.TotalSeconds);
        if (succeeded && !outcome.DryRun)
        {
            factory.CreateGauge($"{prefix}_last_success_timestamp_seconds", "End of the last run that exited 0, Unix time.").Set(Seconds(startedAt + duration));
        }
    }

    private static double Seconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;
}
