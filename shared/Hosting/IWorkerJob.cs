namespace MailserverWorkers.Shared.Hosting;

/// <summary>One run of a worker. The host resolves it in a fresh scope per run and turns its result into the exit code.</summary>
public interface IWorkerJob
{
    /// <summary>Runs the job once and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    Task<int> RunAsync(CancellationToken cancellationToken);
}
