using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// <c>spam-retention profile [--json]</c>: what the mailbox holds and what the policy would do with it, printed;
/// an operator's look before the first real run, so nothing is deleted and no metrics are pushed.
/// </summary>
public sealed class ProfileCommand(MailboxReader reader, IRetentionBackend backend, RetentionPolicy policy)
{
    public async Task<WorkerOutcome> RunAsync(RetentionCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        RetentionPlan plan;
        try
        {
            (_, plan) = await reader.ReadAsync(withSenders: true, keepAll: true, holdDoomedAtMost: null, cancellationToken);
        }
        catch (Exception e) when (e is RetentionFailedException or MailOperationException or CommandFailedException)
        {
            return new WorkerOutcome(ExitCodes.Failure, $"could not read the mailbox: {e.Message}");
        }

        var report = RetentionProfile.Build(plan, backend.Describe(), policy.MarkerHeaderNames);
        await Console.Out.WriteAsync(command.Json ? RetentionProfile.ToJson(report) + "\n" : RetentionProfile.ToTable(report));
        return new WorkerOutcome(ExitCodes.Success, $"profile of {plan.Scanned} messages");
    }
}
