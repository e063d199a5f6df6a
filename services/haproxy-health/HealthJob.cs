using System.Globalization;
using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;
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
    IOptions<HaproxyOptions> haproxy,
    IOptions<PostfixLogOptions> postfixLog,
    IServiceProvider services,
    TimeProvider time,
    ILogger<HealthJob> logger) : IWorkerJob
{
    public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var started = time.GetTimestamp();
        var probing = targets.Value.Targets.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => prober.ProbeAsync(t.Key, t.Value, cancellationToken)).ToList();
        var servers = await ReadHaproxyAsync(failures, cancellationToken);
        var fatals = await CountFatalsAsync(failures, cancellationToken);
        var reports = await Task.WhenAll(probing);
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
            Metrics = HealthMetrics.Build(reports, servers, fatals),
        };
    }

    private void LogReport(TargetReport report)
    {
        var target = report.Target;
        logger.Log(
            report.Passed ? LogLevel.Information : LogLevel.Warning,
            "{Target} ({Host}:{Port}, {Protocol}, proxy {Proxy}, expect {Expect}): {Succeeded}/{Attempts} ok, p50 {P50} ms, p95 {P95} ms, banner {Banner} ms{Certificate}{Errors}",
            report.Name, target.Host, target.Port, target.Protocol, target.Proxy, target.Expect,
            report.Attempts.Count(a => a.Succeeded), report.Attempts.Count,
            Milliseconds(report.Latency(0.5)), Milliseconds(report.Latency(0.95)), Milliseconds(report.MedianBanner),
            report.CertificateNotAfter is { } notAfter ? string.Create(CultureInfo.InvariantCulture, $", certificate valid {(notAfter - time.GetUtcNow()).TotalDays:0} more days") : "",
            report.Errors.Any() ? "; " + string.Join("; ", report.Errors.Select(e => $"{e.Count}x {e.Error}")) : "");
    }

    private static string Milliseconds(TimeSpan? value) => value is { } v ? v.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    private async Task<IReadOnlyList<HaproxyServerStatus>?> ReadHaproxyAsync(List<string> failures, CancellationToken cancellationToken)
    {
        var settings = haproxy.Value;
        if (!settings.Configured)
        {
            return null;
        }

        IHaproxyStatsSource source = settings.StatsSocket is { Length: > 0 } ? services.GetRequiredService<HaproxyStatsSocket>() : services.GetRequiredService<HaproxyStatsPage>();
        IReadOnlyList<HaproxyServerStatus> servers;
        try
        {
            servers = HaproxyServerStatus.ParseCsv(await source.ReadCsvAsync(cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever the stats reader meets is this step's failure: the targets were probed and are still reported.
            failures.Add($"HAProxy's stats ({source.Describe()}): {e switch
            {
                OperationCanceledException => $"no answer within {settings.Timeout}",
                IOException or System.Net.Sockets.SocketException or HttpRequestException or FormatException => e.Message,
                _ => $"{e.GetType().Name}: {e.Message}",
            }}");
            return null;
        }

        foreach (var server in servers)
        {
            logger.Log(server.Down ? LogLevel.Warning : LogLevel.Information,
                "HAProxy {Backend}/{Server}: {Status}, last check {Check}, {Failures} failed checks", server.Backend, server.Server, server.Status, server.CheckStatus, server.CheckFailures);
            if (server.Down && settings.FailOnServerDown)
            {
                failures.Add($"HAProxy reports {server.Backend}/{server.Server} {server.Status} (last check {server.CheckStatus})");
            }
        }

        return servers;
    }

    private async Task<IReadOnlyDictionary<string, int>?> CountFatalsAsync(List<string> failures, CancellationToken cancellationToken)
    {
        var settings = postfixLog.Value;
        if (!settings.Enabled)
        {
            return null;
        }

        try
        {
            // Resolved only here: the Kubernetes client reads its kubeconfig when it is made.
            var counts = await services.GetRequiredService<PostfixFatalCounter>().CountAsync(cancellationToken);
            foreach (var (pod, count) in counts)
            {
                logger.Log(count > settings.MaxFatalLines ? LogLevel.Warning : LogLevel.Information, "Pod {Pod}: {Count} Postfix fatal lines in the last {Window}", pod, count, settings.Window);
                if (count > settings.MaxFatalLines)
                {
                    failures.Add($"pod {pod}: {count} Postfix fatal lines in the last {settings.Window}, more than PostfixLog__MaxFatalLines={settings.MaxFatalLines}");
                }
            }

            return counts;
        }
        catch (PathCheckException e)
        {
            failures.Add(e.Message);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failures.Add($"Postfix's log: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }
}
