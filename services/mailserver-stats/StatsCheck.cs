using MailserverWorkers.Shared.Hosting;

namespace MailserverWorkers.MailserverStats;

/// <summary>--check: each configured source read once (every command is read-only: postqueue -j, doveadm stats dump without -r, rspamc stat).</summary>
public sealed class StatsCheck(IEnumerable<IStatsSource> sources, SourceCommand command) : IWorkerCheck
{
    public IEnumerable<CheckStep> Steps() => sources.Select(source => new CheckStep(
        $"{source.Name} statistics ({command.Where}) read",
        async ct => await source.ReadAsync(ct)));
}
