using System.Diagnostics;
using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// One run: every configured source read in turn, each bounded on its own; a line per source, a FAILED line per
/// failure, and every source that answered pushed whatever the others did.
/// </summary>
public sealed class StatsJob(IEnumerable<IStatsSource> sources, TimeProvider time, ILogger<StatsJob> logger) : IWorkerJob
{
    public async Task<WorkerOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<SourceResult>();
        foreach (var source in sources)
        {
            var started = time.GetTimestamp();
            try
            {
                var reading = await source.ReadAsync(cancellationToken);
                results.Add(new SourceResult(source.Name, reading, null, time.GetElapsedTime(started)));
                logger.LogInformation("{Source}: {Summary} ({Elapsed:0} ms)", source.Name, reading.Summary, time.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (StatsSourceException e)
            {
                results.Add(new SourceResult(source.Name, null, e.Message, time.GetElapsedTime(started)));
                // Logged as decided, before the push: a Pushgateway that hangs cannot hide it.
                logger.LogError("FAILED {Source}: {Failure}", source.Name, e.Message);
            }
        }

        var failed = results.Where(r => r.Failure is not null).ToList();
        var status = failed.Count == 0 ? $"read {string.Join(", ", results.Select(r => r.Source))}"
            : failed.Count == 1 ? $"{failed[0].Source}: {failed[0].Failure}"
            : $"{failed.Count} of {results.Count} sources failed, first: {failed[0].Source}: {failed[0].Failure}";
        Debug.Assert(results.Count > 0, "StatsOptions validation requires a source");
        return new WorkerOutcome(failed.Count == 0 ? ExitCodes.Success : ExitCodes.Failure, status)
        {
            Metrics = StatsMetrics.Build(results),
        };
    }
}
