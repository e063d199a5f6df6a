namespace MailserverWorkers.Shared.Hosting;

/// <summary>One run of a worker. The host resolves it in a fresh scope per run and ends the run from its outcome.</summary>
public interface IWorkerJob
{
    /// <summary>Runs the job once and says what it came to; reporting it is the host's (<see cref="RunReporter"/>).</summary>
    Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken);
}
