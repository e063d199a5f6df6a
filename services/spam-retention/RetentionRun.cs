using System.Globalization;
using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// <c>spam-retention [run]</c>: read every message's headers, classify, check the caps, delete (or, with
/// <c>--dry-run</c>, only say) what the rules take; the host reports the outcome.
/// </summary>
public sealed class RetentionRun(
    MailboxReader reader,
    IRetentionBackend backend,
    RetentionPolicy policy,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionRun> logger)
{
    /// <summary>Exit code when the caps refused the deletion.</summary>
    public const int RefusedByCap = 3;

    public async Task<WorkerOutcome> RunAsync(RetentionCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        RetentionPlan plan;
        MailboxScan scan;
        try
        {
            // From is read only where someone sees it: the per-message log lines. A real run without --force refuses
            // past Retention__MaxDelete whatever else it reads, so it holds no more doomed messages than that; a dry
            // run holds none: it names each as it is decided.
            var listed = logger.IsEnabled(LogLevel.Information);
            var now = time.GetUtcNow();
            (scan, plan) = await reader.ReadAsync(
                withSenders: listed,
                keepAll: false,
                holdDoomedAtMost: command.DryRun ? 0 : command.Force ? null : options.Value.MaxDelete,
                cancellationToken,
                command.DryRun && listed ? victim => LogVictim("Would delete", victim, now) : null);
        }
        catch (Exception e) when (e is RetentionFailedException or MailOperationException or CommandFailedException)
        {
            return Outcome(new RetentionSummary(Scanned: 0, AutoDeleted: 0, HumanDeleted: 0, Kept: 0, Errors: 1, FreedBytes: 0), command, ExitCodes.Failure,
                $"could not read the mailbox: {e.Message}");
        }

        // One bad message is kept, named and counted; it never stops the others (the run still exits 0).
        foreach (var unreadable in plan.Unreadable)
        {
            logger.LogWarning("Kept {Id}: {Error}", unreadable.Id, unreadable.Error);
        }

        var doomed = plan.DoomedCount;
        var retention = options.Value;
        var overCap = !command.Force && plan.ExceedsCaps(retention);
        if (overCap)
        {
            logger.Log(
                command.DryRun ? LogLevel.Warning : LogLevel.Error,
                "{Verb} delete {Doomed} of {Scanned} messages ({Percent:0.#} %): more than Retention__MaxDeletePercent={MaxPercent} or Retention__MaxDelete={Max}. Nothing was deleted; check the policy with 'profile', then run with --force",
                command.DryRun ? "A real run would refuse to" : "Refusing to",
                doomed, plan.Scanned, plan.Scanned == 0 ? 0 : 100.0 * doomed / plan.Scanned, retention.MaxDeletePercent, retention.MaxDelete);
            if (!command.DryRun)
            {
                return Outcome(new RetentionSummary(Scanned: plan.Scanned, AutoDeleted: 0, HumanDeleted: 0, Kept: plan.Scanned, Errors: plan.Unreadable.Count, FreedBytes: 0), command, RefusedByCap,
                    $"refused to delete {doomed} of {plan.Scanned} messages: over Retention__MaxDeletePercent or Retention__MaxDelete");
            }
        }

        // A dry run named what would go as it read it, even past the caps, and still says, by its exit code, that a real
        // run would refuse.
        if (command.DryRun)
        {
            var automated = plan.DoomedBy(RetentionDecision.DeleteAutomated);
            var human = plan.DoomedBy(RetentionDecision.DeleteHuman);
            return Outcome(
                new RetentionSummary(Scanned: plan.Scanned, AutoDeleted: automated.Count, HumanDeleted: human.Count, Kept: plan.Scanned - automated.Count - human.Count,
                    Errors: plan.Unreadable.Count, FreedBytes: automated.Bytes + human.Bytes),
                command,
                overCap ? RefusedByCap : ExitCodes.Success,
                string.Create(CultureInfo.InvariantCulture, $"would delete {automated.Count} automated and {human.Count} other of {plan.Scanned} messages"));
        }

        var deleted = new Dictionary<RetentionDecision, List<ClassifiedMessage>>();
        string? failure = null;
        foreach (var decision in (RetentionDecision[])[RetentionDecision.DeleteAutomated, RetentionDecision.DeleteHuman])
        {
            var victims = plan.Doomed(decision);
            if (victims.Count == 0 || failure is not null)
            {
                deleted[decision] = [];
                continue;
            }

            try
            {
                // The cutoff is taken now, right before deleting, and the backend checks each message against it again.
                var result = await backend.DeleteAsync(scan, victims.Select(v => v.Message).ToList(), policy.CutoffFor(decision, time.GetUtcNow()), cancellationToken);
                deleted[decision] = victims.Where(v => result.Gone.Contains(v.Message.Id)).ToList();
                deleted[decision].ForEach(v => LogVictim("Deleted", v, plan.Now));
                failure = result.Error;
            }
            catch (Exception e) when (e is RetentionFailedException or MailOperationException or CommandFailedException)
            {
                deleted[decision] = [];
                failure = e.Message;
            }
        }

        var gone = deleted.Values.Sum(v => v.Count);
        if (failure is null)
        {
            try
            {
                await backend.FinishAsync(gone > 0, cancellationToken);
            }
            catch (RetentionFailedException e)
            {
                failure = e.Message;
            }
        }

        if (failure is not null)
        {
            logger.LogError("Retention stopped: {Error}", failure);
        }

        var summary = new RetentionSummary(
            Scanned: plan.Scanned,
            AutoDeleted: deleted[RetentionDecision.DeleteAutomated].Count,
            HumanDeleted: deleted[RetentionDecision.DeleteHuman].Count,
            Kept: plan.Scanned - gone,
            Errors: plan.Unreadable.Count + (failure is null ? 0 : 1),
            FreedBytes: deleted.Values.SelectMany(v => v).Sum(v => v.Message.Size));
        return Outcome(summary, command, failure is not null ? ExitCodes.Failure : ExitCodes.Success, failure is not null ? $"retention stopped: {failure}"
            : string.Create(CultureInfo.InvariantCulture, $"deleted {summary.AutoDeleted} automated and {summary.HumanDeleted} other of {summary.Scanned} messages"));
    }

    private static WorkerOutcome Outcome(RetentionSummary summary, RetentionCommand command, int code, string status) => new(code, status)
    {
        Metrics = RetentionMetrics.Build(summary),
        GroupingLabels = RetentionMetrics.GroupLabels(command.DryRun),
        DryRun = command.DryRun,
    };

    private void LogVictim(string verb, ClassifiedMessage victim, DateTimeOffset now) =>
        logger.LogInformation("{Verb} {Id} ({Kind}, {Age:0.0} days old, {Size} bytes, from {From})",
            verb, victim.Message.Id, victim.Automated ? "automated: " + string.Join("+", victim.Markers) : "not automated",
            (now - victim.Message.ReceivedAt).TotalDays, victim.Message.Size, victim.Message.Headers?.First("From") ?? "-");
}
