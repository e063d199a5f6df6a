using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// HAProxy's own view of its servers, from the stats socket or page (<see cref="IHaproxyStatsSource"/>): logged per
/// server; a DOWN server is a failure when <c>HAProxy__FailOnServerDown</c>. Whatever the reader meets fails this
/// step alone.
/// </summary>
public sealed class HaproxyViewStep(IOptions<HaproxyOptions> haproxy, IHaproxyStatsSource source, ILogger<HaproxyViewStep> logger)
{
    public async Task<StepResult<IReadOnlyList<HaproxyServerStatus>>> ReadAsync(CancellationToken cancellationToken)
    {
        var settings = haproxy.Value;
        if (!settings.Configured)
        {
            // Not configured: nothing found, nothing failed.
            return new(null, []);
        }

        var failures = new List<string>();
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
            return new(null, failures);
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

        return new(servers, failures);
    }
}
