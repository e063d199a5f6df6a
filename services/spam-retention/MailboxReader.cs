using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.SpamRetention;

/// <summary>Reads the mailbox through its backend and classifies every message: what both commands start from.</summary>
public sealed class MailboxReader(IRetentionBackend backend, RetentionPolicy policy, TimeProvider time, ILogger<MailboxReader> logger)
{
    /// <summary>
    /// The scan and its plan, each message decided as it is read; <paramref name="withSenders"/> reads From too (for the
    /// profile and the log); <paramref name="keepAll"/> and <paramref name="holdDoomedAtMost"/> say what the plan holds
    /// (<see cref="RetentionPlan"/>), <paramref name="onDoomed"/> hears of each doomed message as it is decided. A
    /// mailbox that cannot be read throws (<see cref="RetentionFailedException"/>,
    /// <see cref="MailOperationException"/>, <see cref="CommandFailedException"/>), logged here once.
    /// </summary>
    public async Task<(MailboxScan Scan, RetentionPlan Plan)> ReadAsync(
        bool withSenders, bool keepAll, int? holdDoomedAtMost, CancellationToken cancellationToken, Action<ClassifiedMessage>? onDoomed = null)
    {
        logger.LogInformation("Reading {Backend}", backend.Describe());
        try
        {
            var plan = new RetentionPlan(policy, time.GetUtcNow(), keepAll, holdDoomedAtMost, onDoomed);
            var scan = await backend.ScanAsync(withSenders ? policy.ProfileHeaderNames : policy.MarkerHeaderNames, plan.Add, cancellationToken);
            return (scan, plan);
        }
        catch (Exception e) when (e is RetentionFailedException or MailOperationException or CommandFailedException)
        {
            logger.LogError("Could not read the mailbox: {Error}", e.Message);
            throw;
        }
    }
}
