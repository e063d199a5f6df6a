using Prometheus;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// One run's own metrics, job <c>haproxy-health</c>, all named <c>mail_path_*</c>: never <c>haproxy_*</c> (HAProxy's
/// own exporter) nor <c>postfix_*</c> (postfix_exporter's). The host adds the standard ones.
/// </summary>
public static class HealthMetrics
{
    public const string DefaultJob = "haproxy-health";

    public const string Prefix = "mail_path";

    public static CollectorRegistry Build(IReadOnlyList<TargetReport> targets, IReadOnlyList<HaproxyServerStatus>? servers, IReadOnlyDictionary<string, int>? fatals)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var ratio = factory.CreateGauge("mail_path_probe_success_ratio", "Share of the attempts on the target that did what it expects.", "target");
        var latency = factory.CreateGauge("mail_path_probe_latency_seconds", "Whole duration of the successful attempts (connect to the end of the check), by quantile.", "target", "quantile");
        var banner = factory.CreateGauge("mail_path_banner_seconds", "Median time from the start of the connect to the first byte of the server's greeting.", "target");
        var expiry = factory.CreateGauge("mail_path_tls_cert_expiry_timestamp_seconds", "End of validity of the server certificate seen on the target.", "target");
        var phases = factory.CreateGauge("mail_path_phase_seconds",
            "A phase of the successful attempts by quantile: connect (the TCP connect), greeting (waiting for its first byte), tls (the handshake), attempt (all of it).", "target", "phase", "quantile");
        foreach (var report in targets)
        {
            ratio.WithLabels(report.Name).Set(report.SuccessRatio);
            foreach (var (quantile, label) in new[] { (0.5, "0.5"), (0.95, "0.95") })
            {
                if (report.Latency(quantile) is { } value)
                {
                    latency.WithLabels(report.Name, label).Set(value.TotalSeconds);
                }
            }

            foreach (var phase in Enum.GetValues<PathPhase>())
            {
                foreach (var (quantile, label) in new[] { (0.5, "0.5"), (0.95, "0.95") })
                {
                    if (report.Phase(phase, quantile) is { } value)
                    {
                        phases.WithLabels(report.Name, phase.ToString().ToLowerInvariant(), label).Set(value.TotalSeconds);
                    }
                }
            }

            if (report.MedianBanner is { } median)
            {
                banner.WithLabels(report.Name).Set(median.TotalSeconds);
            }

            if (report.CertificateNotAfter is { } notAfter)
            {
                expiry.WithLabels(report.Name).Set(notAfter.ToUnixTimeSeconds());
            }
        }

        if (servers is not null)
        {
            var up = factory.CreateGauge("mail_path_haproxy_server_up", "1 when HAProxy reports the backend server UP (or unchecked), else 0.", "backend", "server");
            var failures = factory.CreateGauge("mail_path_haproxy_server_check_failures", "Failed health checks of the server since HAProxy started (chkfail).", "backend", "server");
            foreach (var server in servers)
            {
                up.WithLabels(server.Backend, server.Server).Set(server.Up ? 1 : 0);
                failures.WithLabels(server.Backend, server.Server).Set(server.CheckFailures);
            }
        }

        if (fatals is not null)
        {
            var lines = factory.CreateGauge("mail_path_postfix_fatal_log_lines", "Postfix fatal: lines in the pod's log over PostfixLog__Window.", "pod");
            foreach (var (pod, count) in fatals)
            {
                lines.WithLabels(pod).Set(count);
            }
        }

        return registry;
    }
}
