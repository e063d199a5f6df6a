using MailserverWorkers.MailserverStats;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Kubernetes;

return await WorkerHost.RunAsync(args, MailserverStatsProgram.Definition, builder => builder.Services.AddMailserverStats());

namespace MailserverWorkers.MailserverStats
{
    /// <summary>What --help says; also what the chart's tests read the worker's keys from.</summary>
    public static class MailserverStatsProgram
    {
        public static WorkerDefinition Definition { get; } = new(
            "mailserver-stats",
            "reads Postfix's queue (postqueue -j), Dovecot's statistics (doveadm stats dump) and Rspamd's counters (rspamc stat), here or in the mail server's pod, and pushes them.",
            """
            Stats__Postfix, Stats__Dovecot, Stats__Rspamd choose the sources (at least one); Kubernetes__* with Stats__Runner=kubernetes.

            Exit codes: 0 every configured source answered; 1 a source failed (its mailserver_stats_source_up is 0, the
              others are still pushed; each failure is logged as a line "FAILED <source>: ..."); 2 configuration invalid;
              130 stopped by a signal.
            """,
            StatsMetrics.Prefix,
            StatsMetrics.DefaultJob,
            [
                new(StatsOptions.SectionName, typeof(StatsOptions)),
                new(KubernetesOptions.SectionName, typeof(KubernetesOptions)),
            ]);
    }
}
