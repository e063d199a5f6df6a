using MailserverWorkers.HaproxyHealth;
using MailserverWorkers.Shared.Hosting;

var worker = new WorkerDefinition(
    "haproxy-health",
    "checks the HAProxy -> NodePort -> Postfix/Dovecot paths, with and without PROXY v1/v2, HAProxy's own view of its servers, and optionally Postfix's fatal lines.",
    """
    Configuration (environment variables; *Password may be given as <Key>File):
      Targets__<name>__Host, __Port, __Proxy (none|v1|v2), __ProxySourceAddress (203.0.113.10), __ProxySourcePort (40000),
        __ProxyDestinationAddress, __ProxyDestinationPort, __Protocol (tcp|smtp|smtp-starttls|smtps|imap|imaps),
        __Expect (accept|reject-without-proxy), __Attempts (10), __Concurrency (10), __Timeout (00:00:05),
        __MinSuccessRatio (1.0), __ServerName (the name the certificate must carry; default Host)
      HAProxy__StatsSocket or HAProxy__StatsUrl, HAProxy__Username, HAProxy__Password, HAProxy__Timeout (00:00:05),
        HAProxy__FailOnServerDown (true)
      PostfixLog__Enabled (false), PostfixLog__Window (00:10:00), PostfixLog__MaxFatalLines (0),
        Kubernetes__Namespace, Kubernetes__LabelSelector, Kubernetes__Container, Kubernetes__Kubeconfig
      Tls__CaFile, Pushgateway__* (job haproxy-health), UptimeKuma__PushUrl (and __Attempts, __RetryDelay, __AttemptTimeout)

    Exit codes: 0 every target met its MinSuccessRatio (and no HAProxy server DOWN, no fatal lines over the limit);
      1 something failed: each failure is logged as a line "FAILED ..." naming it; 2 configuration invalid;
      130 stopped by a signal.
    """,
    HealthMetrics.Prefix,
    HealthMetrics.DefaultJob);

return await WorkerHost.RunAsync(args, worker, builder => builder.Services.AddHaproxyHealth(builder.Configuration));
