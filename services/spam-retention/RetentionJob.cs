using MailserverWorkers.Shared.Hosting;

namespace MailserverWorkers.SpamRetention;

/// <summary>The worker's job: the command on the command line, <c>run</c> by default (<see cref="RetentionCommand"/>).</summary>
public sealed class RetentionJob(WorkerCommandLine commandLine, RetentionRun run, ProfileCommand profile) : IWorkerJob
{
    public Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var command = RetentionCommand.Parse(commandLine.Arguments);
        return command.Profile ? profile.RunAsync(command, cancellationToken) : run.RunAsync(command, cancellationToken);
    }
}
