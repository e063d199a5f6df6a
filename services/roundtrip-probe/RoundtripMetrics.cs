using Prometheus;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// One run's own metrics, in a registry of their own; the host adds the standard ones (<c>email_roundtrip_last_run_success</c>,
/// <c>_duration_seconds</c>, the timestamps). Pushed with POST, which replaces only the metric names pushed: metrics
/// that describe the received mail (authentication, spam score) are pushed only when a mail was received and keep
/// describing the last one otherwise.
/// </summary>
public static class RoundtripMetrics
{
    public const string DefaultJob = "email-roundtrip";

    public const string Prefix = "email_roundtrip";

    public static CollectorRegistry Build(RoundtripResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        // The run's success, duration and timestamps are the host's standard metrics (StandardMetrics).
        Gauge("email_roundtrip_delivered_to_junk", "1 when the probe mail arrived in the junk folder (classified as spam).")
            .Set(result.Outcome == RoundtripOutcome.Junk ? 1 : 0);
        var failure = factory.CreateGauge("email_roundtrip_failure", "1 for the stage that failed this run, 0 for the others.", "stage");
        var stageDuration = factory.CreateGauge("email_roundtrip_stage_duration_seconds", "Duration of each stage that ran.", "stage");
        foreach (var stage in Enum.GetValues<ProbeStage>())
        {
            failure.WithLabels(stage.Label()).Set(result.FailedStage == stage ? 1 : 0);
            if (result.StageDurations.TryGetValue(stage, out var duration))
            {
                stageDuration.WithLabels(stage.Label()).Set(duration.TotalSeconds);
            }
        }

        Gauge("email_roundtrip_leftovers_deleted", "Probe mails deleted by this run's cleanup, its own included.")
            .Set(result.LeftoversDeleted);
        if (result.Authentication is { } auth)
        {
            foreach (var method in AuthenticationResultsHeader.ReportedMethods)
            {
                Gauge($"email_roundtrip_{method}_pass", $"1 when the receiving server's Authentication-Results said {method}=pass for the last received probe mail.")
                    .Set(auth.Passed(method) ? 1 : 0);
            }
        }

        if (result.SpamScore is { } score)
        {
            Gauge("email_roundtrip_spam_score", "The spam filter's score of the last received probe mail.").Set(score);
        }

        return registry;

        Gauge Gauge(string name, string help) => factory.CreateGauge(name, help);
    }
}
