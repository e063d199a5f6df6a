using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.SpamRetention;

/// <summary>Reads the mailbox through its backend and classifies every message: what both commands start from.</summary>
public sealed class MailboxReader(IRetentionBackend backend, RetentionPolicy policy, TimeProvider time, ILogger<MailboxReader> logger)
{
    /// <summary>
    /// The scan and its plan; <paramref name="withSenders"/> reads From too (for the profile and the log). A mailbox
    /// that cannot be read throws (<see cref="RetentionFailedException"/>, <see cref="MailOperationException"/>,
    /// <see cref="CommandFailedException"/>), logged here once.
    /// </summary>
    public async Task<(MailboxScan Scan, RetentionPlan Plan)> ReadAsync(bool withSenders, CancellationToken cancellationToken)
    {
        logger.LogInformation("Reading {Backend}", backend.Describe());
        try
        {
            var scan = await backend.ScanAsync(withSenders ? policy.ProfileHeaderNames : policy.MarkerHeaderNames, cancellationToken);
            return (scan, RetentionPlan.Build(scan.Messages, policy, time.GetUtcNow()));
        }
        catch (Exception e) when (e is RetentionFailedException or MailOperationException or CommandFailedException)
        {
            logger.LogError("Could not read the mailbox: {Error}", e.Message);
            throw;
        }
    }
}
