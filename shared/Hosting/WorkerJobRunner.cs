using Cronos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>Runs the worker's <see cref="IWorkerJob"/> once, or on a cron schedule, and maps every outcome to an exit code.</summary>
public sealed class WorkerJobRunner(IServiceScopeFactory scopes, TimeProvider time, ILogger<WorkerJobRunner> logger)
{
    /// <summary>
    /// Runs the job once in a fresh scope (so each run has fresh metrics), ends the run from its outcome
    /// (<see cref="RunReporter"/>) and returns the exit code.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var job = scope.ServiceProvider.GetRequiredService<IWorkerJob>();
            var startedAt = time.GetUtcNow();
            var started = time.GetTimestamp();
            var outcome = await job.RunAsync(cancellationToken);
            // Stopped by SIGTERM: a half-done run is not a measurement; nothing is reported (exit 130).
            cancellationToken.ThrowIfCancellationRequested();
            return await scope.ServiceProvider.GetRequiredService<RunReporter>().ReportAsync(outcome, startedAt, time.GetElapsedTime(started), cancellationToken);
        }
        catch (Exception e)
        {
            return ExitCodeFor(e, cancellationToken);
        }
    }

    /// <summary>
    /// Runs the job at every occurrence of <paramref name="schedule"/> until cancelled; a failed run is logged and the
    /// next one still happens. Returns 0 when stopped, or 2 when a run found the configuration invalid (no later run
    /// would do better).
    /// </summary>
    public async Task<int> RunOnScheduleAsync(CronExpression schedule, TimeZoneInfo timeZone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        while (true)
        {
            var now = time.GetUtcNow();
            var next = schedule.GetNextOccurrence(now, timeZone);
            if (next is null)
            {
                logger.LogWarning("The schedule has no further occurrence; stopping");
                return ExitCodes.Success;
            }

            logger.LogInformation("Next run at {Next:yyyy-MM-ddTHH:mm:ssZ}", next.Value.UtcDateTime);
            try
            {
                await Task.Delay(next.Value - now, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                logger.LogInformation("Stopped while waiting for the next run");
                return ExitCodes.Success;
            }

            var code = await RunOnceAsync(cancellationToken);
            logger.LogInformation("Run finished with exit code {ExitCode}", code);
            if (code == ExitCodes.ConfigurationInvalid)
            {
                return code;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
        }
    }

    private int ExitCodeFor(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Cancelled before the job finished");
            return ExitCodes.Cancelled;
        }

        if (ConfigurationErrors.Describe(exception) is { } configurationError)
        {
            logger.LogError("Configuration invalid: {Error}", configurationError);
            return ExitCodes.ConfigurationInvalid;
        }

        logger.LogError(exception, "The job failed: {Type}: {Message}", exception.GetType().Name, exception.Message);
        return ExitCodes.Failure;
    }
}
