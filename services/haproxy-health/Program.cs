using MailserverWorkers.HaproxyHealth;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Kubernetes;

return await WorkerHost.RunAsync(args, HaproxyHealthProgram.Definition, builder => builder.Services.AddHaproxyHealth(builder.Configuration));

namespace MailserverWorkers.HaproxyHealth
{
    /// <summary>What --help says; also what the chart's tests read the worker's keys from.</summary>
    public static class HaproxyHealthProgram
    {
        public static WorkerDefinition Definition { get; } = new(
            "haproxy-health",
            "checks the HAProxy -> NodePort -> Postfix/Dovecot paths, with and without PROXY v1/v2, HAProxy's own view of its servers, and optionally Postfix's fatal lines.",
            """
            HAProxy__StatsSocket or HAProxy__StatsUrl, not both; the PostfixLog__* count needs Kubernetes__Namespace and
            Kubernetes__LabelSelector.

            Exit codes: 0 every target met its MinSuccessRatio (and no HAProxy server DOWN, no fatal lines over the limit);
              1 something failed: each failure is logged as a line "FAILED ..." naming it; 2 configuration invalid;
              130 stopped by a signal.
            """,
            HealthMetrics.Prefix,
            HealthMetrics.DefaultJob,
            [
                new($"{TargetSet.SectionName}__<name>", typeof(TargetOptions)),
                new(HaproxyOptions.SectionName, typeof(HaproxyOptions)),
                new(PostfixLogOptions.SectionName, typeof(PostfixLogOptions)),
                new(KubernetesOptions.SectionName, typeof(KubernetesOptions)),
            ]);
    }
}
