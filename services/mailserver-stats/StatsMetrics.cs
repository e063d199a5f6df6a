using Prometheus;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// One run's metrics, job <c>mailserver-stats</c>, all named <c>mailserver_*</c>: never <c>postfix_*</c>
/// (postfix_exporter's) nor <c>dovecot_*</c> (Dovecot's own OpenMetrics listener). The host adds the standard ones.
/// </summary>
public static class StatsMetrics
{
    public const string DefaultJob = "mailserver-stats";

    public const string Prefix = "mailserver_stats";

    public static CollectorRegistry Build(IReadOnlyList<SourceResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var up = factory.CreateGauge($"{Prefix}_source_up", "1 when the source's command answered and its output was read whole, else 0.", "source");
        var took = factory.CreateGauge($"{Prefix}_source_duration_seconds", "Time the source's command took, reading its output included.", "source");
        foreach (var result in results)
        {
            up.WithLabels(result.Source).Set(result.Reading is null ? 0 : 1);
            took.WithLabels(result.Source).Set(result.Duration.TotalSeconds);
            foreach (var family in result.Reading?.Families ?? [])
            {
                var labels = family.LabelNames.ToArray();
                if (family.Counter)
                {
                    var counter = factory.CreateCounter(family.Name, family.Help, labels);
                    foreach (var (values, value) in family.Samples)
                    {
                        counter.WithLabels(values).IncTo(value);
                    }
                }
                else
                {
                    var gauge = factory.CreateGauge(family.Name, family.Help, labels);
                    foreach (var (values, value) in family.Samples)
                    {
                        gauge.WithLabels(values).Set(value);
                    }
                }
            }
        }

        return registry;
    }
}
