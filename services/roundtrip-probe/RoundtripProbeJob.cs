using System.Globalization;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// One round trip: log in to IMAP, send the marked mail, wait for it, delete it and earlier leftovers; its outcome
/// (exit code, see <see cref="RoundtripExitCodes"/>, metrics and heartbeat) is reported by the host.
/// Nothing in the round trip is retried: a failure is what the probe is for.
/// </summary>
public sealed class RoundtripProbeJob(
    IOptions<ProbeOptions> probeOptions,
    IProbeSender sender,
    ImapMailboxWatcher watcher,
    ImapProbeCleaner cleaner,
    TimeProvider time,
    ILogger<RoundtripProbeJob> logger) : IWorkerJob
{
    public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var result = await ProbeAsync(cancellationToken);
        // Stopped by SIGTERM: a half-done run is not a measurement; report nothing (exit 130).
        cancellationToken.ThrowIfCancellationRequested();
        LogResult(result);
        var heartbeat = RoundtripHeartbeat.From(result);
        return new WorkerOutcome(RoundtripExitCodes.For(result.Outcome), heartbeat.Message) { Metrics = RoundtripMetrics.Build(result), Heartbeat = heartbeat };
    }

    private async Task<RoundtripResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var probe = probeOptions.Value;
        var mail = ProbeMail.Create(probe, time);
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var stages = new Dictionary<ProbeStage, TimeSpan>();
        using var deadline = new CancellationTokenSource(probe.Deadline, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var stage = ProbeStage.Delivery;
        FoundProbeMail? found = null;
        var deleted = 0;
        string? error = null;
        Task? sending = null;
        Task<FoundProbeMail>? delivery = null;
        try
        {
            // The receiving side must be watching before the mail goes: a wrong IMAP password then costs no probe mail,
            // and mail landing before IDLE would be told late. The relay is reached and logged in to meanwhile (the
            // sender hands the mail over only once every folder listens), so IMAP's logins do not delay the first
            // SMTP command.
            var watching = watcher.ConnectAsync(bounded.Token);
            delivery = WatchAfterAsync(watching, mail, bounded.Token);
            sending = sender.SendAsync(mail, ListeningAfterAsync(watching), bounded.Token);
            await watching;
            stage = ProbeStage.Send;
            try
            {
                await Timed(ProbeStage.Send, () => sending);
            }
            catch when (watcher.Listening.IsFaulted)
            {
                // The watch broke before the mail was handed over: that is the delivery side's failure, in its words.
                stage = ProbeStage.Delivery;
                await delivery;
                throw;
            }

            stage = ProbeStage.Delivery;
            await Timed(ProbeStage.Delivery, async () => found = await delivery);
            watcher.Dispose();
            stage = ProbeStage.Cleanup;
            // Cleanup is bounded by IMAP's per-command timeouts, not by what the deadline left over.
            await Timed(ProbeStage.Cleanup, async () => deleted = await cleaner.CleanupAsync(cancellationToken));
        }
        catch (Exception e) when (e is ProbeFailedException or MailOperationException)
        {
            error = e.Message;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            error = stage == ProbeStage.Delivery && stages.ContainsKey(ProbeStage.Send)
                ? $"{mail.Id} did not arrive within Probe__Deadline={probe.Deadline}"
                : $"Probe__Deadline={probe.Deadline} reached";
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Anything else is still this stage's failure, reported and pushed; only the worker's own stop passes.
            error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            watcher.Dispose();
            // A send or a watch the failure above left running ends with its connection; what it says then is not news.
            await bounded.CancelAsync();
            await Ended(sending);
            await Ended(delivery);
        }

        var headers = found?.Headers;
        return new RoundtripResult
        {
            ProbeId = mail.Id,
            StartedAt = startedAt,
            Outcome = error is not null ? RoundtripOutcome.Failed : found!.InJunk ? RoundtripOutcome.Junk : RoundtripOutcome.Inbox,
            FailedStage = error is null ? null : stage,
            Error = error,
            Duration = time.GetElapsedTime(started),
            StageDurations = stages,
            Mail = found,
            Authentication = headers is null ? null
                : AuthenticationResultsHeader.Select(headers.Where(h => h.Field.Equals("Authentication-Results", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value), probe.AuthServId),
            SpamScore = headers is null ? null : SpamScoreHeader.Read(headers),
            LeftoversDeleted = deleted,
        };

        async Task<FoundProbeMail> WatchAfterAsync(Task watching, ProbeMail probeMail, CancellationToken token)
        {
            await watching;
            return await watcher.WaitForAsync(probeMail, token);
        }

        async Task ListeningAfterAsync(Task watching)
        {
            await watching;
            await watcher.Listening;
        }

        static async Task Ended(Task? task)
        {
            if (task is not null)
            {
                await Task.WhenAny(task);
                _ = task.Exception;
            }
        }

        async Task Timed(ProbeStage timedStage, Func<Task> action)
        {
            var stageStarted = time.GetTimestamp();
            await action();
            stages[timedStage] = time.GetElapsedTime(stageStarted);
        }
    }

    private void LogResult(RoundtripResult result)
    {
        var stages = string.Join(", ", result.StageDurations.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key.Label()} {s.Value.TotalSeconds:0.000}s")));
        if (result.Outcome == RoundtripOutcome.Failed)
        {
            logger.LogError("Round trip {Id} failed at stage {Stage}: {Error}{Stages}", result.ProbeId, result.FailedStage?.Label(), result.Error,
                stages.Length > 0 ? $" (after {stages})" : "");
            return;
        }

        var auth = result.Authentication is { } a
            ? string.Join(" ", AuthenticationResultsHeader.ReportedMethods.Select(m => $"{m}={(a.ResultsFor(m) is [var first, ..] ? first : "none")}"))
            : "no Authentication-Results header";
        var level = result.Outcome == RoundtripOutcome.Junk ? LogLevel.Warning : LogLevel.Information;
        logger.Log(level, "Round trip {Id}: delivered to {Folder} in {Seconds:0.000}s ({Stages}); {Auth}; spam score {Score}; {Deleted} probe mail(s) deleted",
            result.ProbeId, result.Mail?.Folder, result.Duration.TotalSeconds, stages, auth,
            result.SpamScore?.ToString(CultureInfo.InvariantCulture) ?? "none", result.LeftoversDeleted);
    }
}
