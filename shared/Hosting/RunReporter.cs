using MailserverWorkers.Shared.Http;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Shared.UptimeKuma;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// The end of every worker's run, in one place: the standard metrics, the samples in the log (so the log says what
/// was pushed even without a Pushgateway), one push, the Uptime Kuma heartbeat where configured, and the exit code.
/// A run that did its work (0) but whose report reached no one, every configured report having failed after its
/// retries, exits 1: nobody would otherwise know the result.
/// </summary>
public sealed class RunReporter(WorkerDefinition worker, PushgatewayClient pushgateway, UptimeKumaNotifier uptimeKuma, ILogger<RunReporter> logger)
{
    /// <summary>Reports a run that started at <paramref name="startedAt"/> and took <paramref name="duration"/>; returns the exit code.</summary>
    public async Task<int> ReportAsync(WorkerOutcome outcome, DateTimeOffset startedAt, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!outcome.Reports)
        {
            return outcome.ExitCode;
        }

        StandardMetrics.Stamp(outcome, worker.MetricPrefix, startedAt, duration);
        await outcome.Metrics!.LogSamplesAsync(logger, cancellationToken, outcome.DryRun ? "(dry run) " : "");
        var pushed = await pushgateway.PushAsync(outcome.Metrics!, outcome.Job ?? worker.PushJob, cancellationToken, outcome.GroupingLabels);
        var heartbeat = await uptimeKuma.NotifyAsync(outcome.Heartbeat ?? new Heartbeat(outcome.ExitCode == ExitCodes.Success, outcome.Status, duration), cancellationToken);
        var configured = new[] { pushed, heartbeat }.Where(d => d.Outcome != DeliveryOutcome.NotConfigured).ToList();
        var code = outcome.ExitCode == ExitCodes.Success && configured.Count > 0 && !configured.Any(d => d.Delivered) ? ExitCodes.Failure : outcome.ExitCode;
        logger.LogInformation("Exit code {Code} ({Status}; Pushgateway: {Push}; Uptime Kuma: {Kuma})", code, outcome.Status, pushed.Outcome, heartbeat.Outcome);
        return code;
    }
}
