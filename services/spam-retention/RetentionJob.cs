using System.Globalization;
using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// One retention run: read every message's headers, classify, check the caps, delete (or, with --dry-run, only
/// say) what the rules take; the host reports the outcome. Or, with <c>profile</c>, print the mailbox's profile.
/// </summary>
public sealed class RetentionJob(
    IRetentionBackend backend,
    RetentionPolicy policy,
    IOptions<RetentionOptions> options,
    WorkerCommandLine commandLine,
    TimeProvider time,
    ILogger<RetentionJob> logger) : IWorkerJob
{
    /// <summary>Exit code when the caps refused the deletion.</summary>
    public const int RefusedByCap = 3;

    public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var command = RetentionCommand.Parse(commandLine.Arguments);
        RetentionPlan plan;
        MailboxScan scan;
        try
        {
            logger.LogInformation("Reading {Backend}", backend.Describe());
            // From is read only where someone sees it: the profile, and the per-message log lines.
            var withSenders = command.Profile || logger.IsEnabled(LogLevel.Information);
            scan = await backend.ScanAsync(withSenders ? policy.ProfileHeaderNames : policy.MarkerHeaderNames, cancellationToken);
            plan = RetentionPlan.Build(scan.Messages, policy, time.GetUtcNow());
        }
        catch (Exception e) when (e is RetentionFailedException or MailOperationException or CommandFailedException)
        {
            logger.LogError("Could not read the mailbox: {Error}", e.Message);
            var status = $"could not read the mailbox: {e.Message}";
            return command.Profile ? new WorkerOutcome(ExitCodes.Failure, status) : Outcome(new RetentionSummary(0, 0, 0, 0, 1, 0), command, ExitCodes.Failure, status);
        }

        if (command.Profile)
        {
            var report = RetentionProfile.Build(plan, backend.Describe(), policy.MarkerHeaderNames);
            await Console.Out.WriteAsync(command.Json ? RetentionProfile.ToJson(report) + "\n" : RetentionProfile.ToTable(report));
            // An operator's look at the mailbox: its result is what it printed, not metrics.
            return new WorkerOutcome(ExitCodes.Success, $"profile of {plan.Scanned} messages");
        }

        // One bad message is kept, named and counted; it never stops the others (the run still exits 0).
        foreach (var unreadable in plan.Unreadable)
        {
            logger.LogWarning("Kept {Id}: {Error}", unreadable.Id, unreadable.Error);
        }

        var doomed = plan.DoomedCount;
        var retention = options.Value;
        var overCap = !command.Force && (doomed > retention.MaxDelete || doomed * 100.0 > retention.MaxDeletePercent * plan.Scanned);
        if (overCap)
        {
            logger.Log(
                command.DryRun ? LogLevel.Warning : LogLevel.Error,
                "{Verb} delete {Doomed} of {Scanned} messages ({Percent:0.#} %): more than Retention__MaxDeletePercent={MaxPercent} or Retention__MaxDelete={Max}. Nothing was deleted; check the policy with 'profile', then run with --force",
                command.DryRun ? "A real run would refuse to" : "Refusing to",
                doomed, plan.Scanned, plan.Scanned == 0 ? 0 : 100.0 * doomed / plan.Scanned, retention.MaxDeletePercent, retention.MaxDelete);
            if (!command.DryRun)
            {
                return Outcome(new RetentionSummary(plan.Scanned, 0, 0, plan.Scanned, plan.Unreadable.Count, 0), command, RefusedByCap,
                    $"refused to delete {doomed} of {plan.Scanned} messages: over Retention__MaxDeletePercent or Retention__MaxDelete");
            }
        }

        var deleted = new Dictionary<RetentionDecision, List<ClassifiedMessage>>();
        string? failure = null;
        foreach (var decision in (RetentionDecision[])[RetentionDecision.DeleteAutomated, RetentionDecision.DeleteHuman])
        {
            var victims = plan.Doomed(decision);
            if (command.DryRun)
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    victims.ForEach(v => LogVictim("Would delete", v, plan.Now));
                }

                deleted[decision] = victims;
                continue;
            }

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
        if (failure is null && !command.DryRun)
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
            plan.Scanned,
            deleted[RetentionDecision.DeleteAutomated].Count,
            deleted[RetentionDecision.DeleteHuman].Count,
            plan.Scanned - gone,
            plan.Unreadable.Count + (failure is null ? 0 : 1),
            deleted.Values.SelectMany(v => v).Sum(v => v.Message.Size));
        // A dry run lists what would go even past the caps, and still says, by its exit code, that a real run would refuse.
        var code = failure is not null ? ExitCodes.Failure : overCap ? RefusedByCap : ExitCodes.Success;
        return Outcome(summary, command, code, failure is not null ? $"retention stopped: {failure}"
            : string.Create(CultureInfo.InvariantCulture, $"{(command.DryRun ? "would delete" : "deleted")} {summary.AutoDeleted} automated and {summary.HumanDeleted} other of {summary.Scanned} messages"));
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
