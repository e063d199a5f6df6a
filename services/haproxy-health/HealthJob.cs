using System.Globalization;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// One run: every target's attempts (all targets at once), HAProxy's own view of its servers, optionally the Postfix
/// fatal count; a line per target, a FAILED line per failure, and the outcome the host reports.
/// </summary>
public sealed class HealthJob(
    TargetProber prober,
    IOptions<TargetSet> targets,
    HaproxyViewStep haproxyView,
    PostfixFatalStep postfixFatals,
    TimeProvider time,
    ILogger<HealthJob> logger) : IWorkerJob
{
    public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var ordered = targets.Value.Targets.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        // Enough pool threads from the start for every attempt in flight: the pool otherwise adds about one a second
        // past its minimum (the core count), and an attempt's continuation queued behind the others would be timed.
        var inFlight = ordered.Sum(t => Math.Min(t.Value.Concurrency, t.Value.Attempts)) + Environment.ProcessorCount;
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, Math.Min(inFlight, 512)), completion);
        var warming = time.GetTimestamp();
        var warmUps = await Task.WhenAll(ordered.Select(t => prober.WarmUpAsync(t.Value, cancellationToken)));
        logger.LogDebug("Warmed up {Targets} targets in {Elapsed:0} ms", ordered.Count, time.GetElapsedTime(warming).TotalMilliseconds);
        // HAProxy's view and the fatal count before the timed attempts, so that neither runs inside them.
        var servers = await haproxyView.ReadAsync(cancellationToken);
        var fatals = await postfixFatals.CountAsync(cancellationToken);
        var started = time.GetTimestamp();
        // The run's places: at the default Concurrency (1) one timed attempt at a time across all targets.
        using var run = new SemaphoreSlim(ordered.Max(t => t.Value.Concurrency));
        var reports = await Task.WhenAll(ordered.Select((t, i) => prober.ProbeAsync(t.Key, t.Value, warmUps[i], run, cancellationToken)));
        var failures = servers.Failures.Concat(fatals.Failures).ToList();
        logger.LogInformation("Probed {Targets} targets, {Attempts} attempts in {Elapsed:0} ms",
            reports.Length, reports.Sum(r => r.Attempts.Count), time.GetElapsedTime(started).TotalMilliseconds);
        foreach (var report in reports)
        {
            LogReport(report);
            if (!report.Passed)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"target {report.Name}: {report.Attempts.Count(a => a.Succeeded)}/{report.Attempts.Count} attempts succeeded, below Targets__{report.Name}__MinSuccessRatio={report.Target.MinSuccessRatio:0.##}"));
            }
        }

        // Logged as decided, before the push: a Pushgateway that hangs, or a pod killed mid-push, cannot hide them.
        foreach (var failure in failures)
        {
            logger.LogError("FAILED {Failure}", failure);
        }

        var status = failures.Count == 0 ? $"{reports.Length} targets passed"
            : failures.Count == 1 ? failures[0] : $"{failures.Count} failures, first: {failures[0]}";
        return new WorkerOutcome(failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure, status)
        {
            Metrics = HealthMetrics.Build(reports, servers.Value, fatals.Value),
        };
    }

    private void LogReport(TargetReport report)
    {
        var target = report.Target;
        logger.Log(
            report.Passed ? LogLevel.Information : LogLevel.Warning,
            "{Target} ({Host}:{Port}, {Protocol}, proxy {Proxy}, expect {Expect}): {Succeeded}/{Attempts} ok, p50 {P50} ms, p95 {P95} ms, banner {Banner} ms; p50/p95 connect {Connect}, greeting {Greeting}, tls {Tls} ms{Certificate}{Errors}",
            report.Name, target.Host, target.Port, target.Protocol.ToConfigurationValue(), target.Proxy.ToConfigurationValue(), target.Expect.ToConfigurationValue(),
            report.Attempts.Count(a => a.Succeeded), report.Attempts.Count,
            Milliseconds(report.Latency(0.5)), Milliseconds(report.Latency(0.95)), Milliseconds(report.MedianBanner),
            Pair(report, PathPhase.Connect), Pair(report, PathPhase.Greeting), Pair(report, PathPhase.Tls),
            report.CertificateNotAfter is { } notAfter ? string.Create(CultureInfo.InvariantCulture, $", certificate valid {(notAfter - time.GetUtcNow()).TotalDays:0} more days") : "",
            report.Errors.Any() ? "; " + string.Join("; ", report.Errors.Select(e => $"{e.Count}x {e.Error}")) : "");
    }

    private static string Pair(TargetReport report, PathPhase phase) => $"{Milliseconds(report.Phase(phase, 0.5))}/{Milliseconds(report.Phase(phase, 0.95))}";

    private static string Milliseconds(TimeSpan? value) => value is { } v ? v.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "-";
}
