using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner;

/// <summary>The worker's job: the verb on the command line, <c>run</c> by default.</summary>
public sealed class BackupJob(
    WorkerCommandLine commandLine,
    SnapshotRun run,
    SnapshotLister lister,
    SnapshotRestorer restorer,
    SnapshotVerifier verifier,
    IOptions<BackupOptions> options,
    ILogger<BackupJob> logger) : IWorkerJob
{
    public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var command = BackupCommand.Parse(commandLine.Arguments);
        if (command.Verb == BackupVerb.Run)
        {
            return await run.RunAsync(cancellationToken);
        }

        try
        {
            if (!Directory.Exists(options.Value.Destination))
            {
                throw new BackupFailedException($"Backup__Destination {options.Value.Destination} does not exist (is the volume mounted?)");
            }

            switch (command.Verb)
            {
                case BackupVerb.List:
                    var listings = lister.List(cancellationToken);
                    await Console.Out.WriteAsync(command.Json ? SnapshotLister.ToJson(listings) + "\n" : SnapshotLister.ToTable(listings));
                    return new WorkerOutcome(ExitCodes.Success, $"{listings.Count} snapshots listed");
                case BackupVerb.Restore:
                    return Unreported(await restorer.RestoreAsync(command, cancellationToken), command);
                default:
                    return Unreported(await verifier.VerifyAsync(command, cancellationToken), command);
            }
        }
        catch (Exception e) when (e is BackupFailedException or IOException or UnauthorizedAccessException)
        {
            logger.LogError("{Verb} failed: {Error}", command.Verb.ToString().ToLowerInvariant(), e.Message);
            return Unreported(ExitCodes.Failure, command);
        }
    }

    // list, restore and verify are an operator's commands: their result is the exit code and the log, not metrics.
    private static WorkerOutcome Unreported(int code, BackupCommand command) =>
        new(code, $"{command.Verb.ToString().ToLowerInvariant()} {(code == ExitCodes.Success ? "done" : "failed")}");
}
