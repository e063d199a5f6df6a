using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>haproxy-health as a process against the real HAProxy and Postfix, metrics to the real Pushgateway.</summary>
[Collection(HaproxyStackCollection.Name)]
public sealed class HealthJobTests
{
    private static MailStack Stack => MailStack.Instance;

    [Fact]
    public async Task HealthyPaths_Exit0_AndPushEveryFigure()
    {
        var instance = "job-" + Guid.NewGuid().ToString("n")[..8];
        var environment = Healthy();
        environment["Pushgateway__Url"] = Stack.PushgatewayUrl.ToString();
        environment["Pushgateway__Labels__instance"] = instance;
        environment["HAProxy__StatsUrl"] = Stack["MAILSTACK_HAPROXY_STATS_URL"];
        // The stack's HAProxy also has the original fault's backend, which flaps between UP and DOWN by design: this
        // test is about the healthy paths, so HAProxy's view is read and pushed but a DOWN server does not decide it.
        environment["HAProxy__FailOnServerDown"] = "false";

        var run = await WorkerProcess.RunAsync("haproxy-health", environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"smtp \(127\.0\.0\.1:\d+, smtp, proxy none, expect accept\): 10/10 ok, p50 [\d.]+ ms, p95 [\d.]+ ms, banner [\d.]+ ms", run.Output);
        Assert.Matches(@"submission \(.*\): 10/10 ok, .*certificate valid \d+ more days", run.Output);
        Assert.Contains("HAProxy smtp/postfix: UP, last check L4OK", run.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        var pushed = await http.GetStringAsync(new Uri(Stack.PushgatewayUrl, "/metrics"));
        var ours = pushed.Split('\n').Where(l => l.Contains($"instance=\"{instance}\"", StringComparison.Ordinal) && l.Contains("job=\"haproxy-health\"", StringComparison.Ordinal)).ToList();
        Assert.Contains(ours, l => l.StartsWith("mail_path_probe_success_ratio{", StringComparison.Ordinal) && l.Contains("target=\"reject\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("mail_path_probe_latency_seconds{", StringComparison.Ordinal) && l.Contains("quantile=\"0.95\"", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("mail_path_banner_seconds{", StringComparison.Ordinal) && l.Contains("target=\"smtp\"", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("mail_path_tls_cert_expiry_timestamp_seconds{", StringComparison.Ordinal) && l.Contains("target=\"submission\"", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("mail_path_haproxy_server_up{", StringComparison.Ordinal) && l.Contains("backend=\"smtp\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("mail_path_haproxy_server_check_failures{", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheOriginalFault_HealthChecksOnThePROXYPort_FailsTheRun_WithTheFatalCount_AndThePathsOwnFigures()
    {
        // HAProxy's checks of submission_broken connect to the smtpd_upstream_proxy_protocol port and hang up
        // without a header, once a second: Postfix 3.7's smtpd dies on each and master throttles it.
        await using var api = await KubernetesApiStandIn.StartAsync();
        api.LogFile = Stack["MAILSTACK_MAIL_LOG"];
        var kubeconfig = Path.GetTempFileName();
        var environment = new Dictionary<string, string>
        {
            ["Targets__broken__Host"] = "127.0.0.1",
            ["Targets__broken__Port"] = Stack["MAILSTACK_HAPROXY_BROKEN_PORT"],
            ["Targets__broken__Protocol"] = "smtp",
            ["Targets__broken__Attempts"] = "4",
            ["Targets__broken__Timeout"] = "00:00:03",
            ["HAProxy__StatsSocket"] = Stack["MAILSTACK_HAPROXY_STATS_SOCKET"],
            ["PostfixLog__Enabled"] = "true",
            ["PostfixLog__Window"] = "00:10:00",
            ["Kubernetes__Namespace"] = KubernetesApiStandIn.Namespace,
            ["Kubernetes__LabelSelector"] = "app=mailserver",
            ["Kubernetes__Kubeconfig"] = api.WriteKubeconfig(kubeconfig),
        };
        // The path itself works or not depending on the moment (smtpd processes dying under HAProxy's checks, master
        // throttling their restarts, the accept queue filling; in production about half the connections timed out):
        // its ratio is reported but does not decide this run, nor does HAProxy's view, so that the fatal lines alone
        // must fail it.
        environment["Targets__broken__MinSuccessRatio"] = "0";
        environment["HAProxy__FailOnServerDown"] = "false";
        var log = Stack["MAILSTACK_MAIL_LOG"];
        // Any Postfix daemon's fatal line (syslog name postfix/<service>/<daemon>[pid]), as the README defines the count.
        var fatalLine = new System.Text.RegularExpressions.Regex(@" postfix/[\w./-]+\[\d+\]: fatal: ");
        bool IsFatal(string line) => fatalLine.IsMatch(line);
        // Counted here from the log itself: fatal lines whose time is within the window, for a window that ends
        // anywhere between the run's start and end (the worker asks once, at a moment in between).
        int FatalsBetween(DateTime from, DateTime to) =>
            File.ReadLines(log).Count(l => IsFatal(l) && SyslogTime.TryParse(l, DateTime.UtcNow, out var at) && at >= from && at <= to);
        // On a stack just started, HAProxy's first checks come within a second or two.
        var until = DateTime.UtcNow.AddSeconds(30);
        while (FatalsBetween(DateTime.UtcNow.AddMinutes(-10), DateTime.UtcNow.AddMinutes(1)) == 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(250);
        }

        // Syslog times have whole seconds: the bounds are widened by one.
        var started = DateTime.UtcNow.AddSeconds(-1);
        var run = await WorkerProcess.RunAsync("haproxy-health", environment);
        var ended = DateTime.UtcNow.AddSeconds(1);
        environment["PostfixLog__MaxFatalLines"] = "100000";
        var tolerant = await WorkerProcess.RunAsync("haproxy-health", environment);
        File.Delete(kubeconfig);

        var fewest = FatalsBetween(ended.AddMinutes(-10), started);
        var most = FatalsBetween(started.AddMinutes(-10), ended);
        Assert.True(fewest > 0, "Postfix logged the fatal the fault causes");
        Assert.Contains(File.ReadLines(log), l => l.Contains("submission-broken/smtpd[", StringComparison.Ordinal) && l.Contains("fatal: smtpd_peer_hostaddr_to_sockaddr", StringComparison.Ordinal));
        Assert.True(run.ExitCode == 1, run.ToString());
        var failed = Assert.Single(run.Lines, l => l.Contains("FAILED", StringComparison.Ordinal));
        var reported = int.Parse(System.Text.RegularExpressions.Regex.Match(failed, @"FAILED pod mailserver-0: (\d+) Postfix fatal lines in the last 00:10:00, more than PostfixLog__MaxFatalLines=0").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reported, fewest, most);
        Assert.Equal(reported, (int)run.LoggedMetric("mail_path_postfix_fatal_log_lines{pod=\"mailserver-0\"}"));
        // The path's own line and ratio agree with each other.
        var ok = int.Parse(System.Text.RegularExpressions.Regex.Match(run.Output, @"broken \(127\.0\.0\.1:\d+, smtp, proxy none, expect accept\): (\d)/4 ok").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ok / 4.0, run.LoggedMetric("mail_path_probe_success_ratio{target=\"broken\"}"));
        // HAProxy's own view is reported beside it (mostly UP, L4OK: its check only connects, and the queue accepts).
        Assert.Matches(@"HAProxy submission_broken/postfix: \S+", run.Output);
        Assert.Contains(api.LogRequests, q => q.Contains("sinceSeconds=600", StringComparison.Ordinal));
        // With a limit above what ten minutes hold, the same fault is reported and does not fail the run.
        Assert.True(tolerant.ExitCode == 0, tolerant.ToString());
        Assert.DoesNotContain("FAILED", tolerant.Output, StringComparison.Ordinal);
        Assert.Matches(@"mail_path_postfix_fatal_log_lines\{pod=""mailserver-0""\} [1-9]\d*", tolerant.Output);
    }

    [Fact]
    public async Task AStatsPageBehindBasicAuth_IsReadWithTheKeysCredentials_AndARefusalIsNamedWithoutThem()
    {
        var environment = Healthy();
        environment["HAProxy__StatsUrl"] = Stack["MAILSTACK_HAPROXY_STATS_AUTH_URL"];
        environment["HAProxy__FailOnServerDown"] = "false";
        environment["HAProxy__Username"] = Stack["MAILSTACK_HAPROXY_STATS_USER"];
        var password = Path.GetTempFileName();
        await File.WriteAllTextAsync(password, Stack["MAILSTACK_HAPROXY_STATS_PASSWORD"] + "\n");
        try
        {
            environment["HAProxy__PasswordFile"] = password;
            var authorized = await WorkerProcess.RunAsync("haproxy-health", environment);
            environment.Remove("HAProxy__PasswordFile");
            environment["HAProxy__Password"] = "Wr0ng-Stats-Passw0rd";
            var refused = await WorkerProcess.RunAsync("haproxy-health", environment);

            Assert.True(authorized.ExitCode == 0, authorized.ToString());
            Assert.Contains("HAProxy smtp/postfix: UP, last check L4OK", authorized.Output, StringComparison.Ordinal);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("HTTP 401 from", refused.Output, StringComparison.Ordinal);
            Assert.Contains("FAILED", refused.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Wr0ng-Stats-Passw0rd", refused.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Stack["MAILSTACK_HAPROXY_STATS_PASSWORD"], authorized.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(password);
        }
    }

    [Fact]
    public async Task AServerDown_FailsTheRun_NamingIt()
    {
        await HaproxyStack.RuntimeApiAsync($"set server imaps/dovecot check-port {LoopbackPorts.Closed()}");
        try
        {
            await HaproxyStack.WaitForStatusAsync("imaps", "dovecot", "DOWN");
            var environment = new Dictionary<string, string>
            {
                ["Targets__imaps__Host"] = "127.0.0.1",
                ["Targets__imaps__Port"] = Stack["MAILSTACK_HAPROXY_IMAPS_PORT"],
                ["Targets__imaps__Protocol"] = "imaps",
                ["Tls__CaFile"] = Stack.CaFile,
                ["HAProxy__StatsSocket"] = Stack["MAILSTACK_HAPROXY_STATS_SOCKET"],
            };

            var run = await WorkerProcess.RunAsync("haproxy-health", environment);

            Assert.Equal(1, run.ExitCode);
            Assert.Matches(@"FAILED HAProxy reports imaps/dovecot DOWN(\s\d/\d)? \(last check L4CON\)", run.Output);
            // Whether the path still carries mail is the target's own line, reported beside HAProxy's view.
            Assert.Matches(@"imaps \(.*\): \d+/10 ok", run.Output);
        }
        finally
        {
            await HaproxyStack.RuntimeApiAsync($"set server imaps/dovecot check-port {Stack.ImapsPort}");
            await HaproxyStack.WaitForStatusAsync("imaps", "dovecot", "UP");
        }
    }

    [Theory]
    [InlineData("Targets__smtp__Proxy", "v3", "Targets__smtp__Proxy: 'v3' is not one of none, v1, v2")]
    [InlineData("Targets__smtp__Protocol", "lmtp", "Targets__smtp__Protocol: 'lmtp' is not one of tcp, smtp, smtp-starttls, smtps, imap, imaps")]
    [InlineData("Targets__smtp__Expect", "reject", "Targets__smtp__Expect: 'reject' is not one of accept, reject-without-proxy")]
    [InlineData("Targets__smtp__Port", "70000", "Targets__smtp__Port: The field Port must be between 1 and 65535.")]
    [InlineData("Targets__smtp__MinSuccessRatio", "1.5", "Targets__smtp__MinSuccessRatio: The field MinSuccessRatio must be between 0 and 1.")]
    [InlineData("Targets__smtp__Atempts", "3", "Targets__smtp__Atempts: unknown key")]
    [InlineData("HAProxy__StatsUrl", "ftp://haproxy/stats", "HAProxy__StatsUrl: must be an absolute http:// or https:// URL")]
    [InlineData("HAProxy__StatsSocket", "/run/haproxy-admin-socket-haproxy-admin-socket-haproxy-admin-socket-haproxy-admin-socket-haproxy-admin-socket-x.sock", "HAProxy__StatsSocket: is 116 bytes long, more than a Unix socket path can be (107); use a shorter path or a link to it")]
    [InlineData("PostfixLog__Enabled", "true", "Kubernetes__Namespace")]
    public async Task ABadKey_Exits2_WithOneLineNamingIt(string key, string value, string expected)
    {
        var environment = new Dictionary<string, string> { ["Targets__smtp__Host"] = "127.0.0.1", ["Targets__smtp__Port"] = "25", [key] = value };

        var run = await WorkerProcess.RunAsync("haproxy-health", environment);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith("haproxy-health: configuration invalid: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoTargets_IsAConfigurationError()
    {
        var run = await WorkerProcess.RunAsync("haproxy-health", new Dictionary<string, string>());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Targets: at least one target is required", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Every kind of path the stack offers, as an operator would list them.</summary>
    internal static Dictionary<string, string> Healthy()
    {
        var environment = new Dictionary<string, string> { ["Tls__CaFile"] = Stack.CaFile };
        void Add(string name, string portKey, string protocol, string proxy = "none", string expect = "accept")
        {
            environment[$"Targets__{name}__Host"] = "127.0.0.1";
            environment[$"Targets__{name}__Port"] = Stack[portKey];
            environment[$"Targets__{name}__Protocol"] = protocol;
            environment[$"Targets__{name}__Proxy"] = proxy;
            environment[$"Targets__{name}__Expect"] = expect;
        }

        Add("smtp", "MAILSTACK_HAPROXY_SMTP_PORT", "smtp");
        Add("submission", "MAILSTACK_HAPROXY_SUBMISSION_PORT", "smtp-starttls");
        Add("imaps", "MAILSTACK_HAPROXY_IMAPS_PORT", "imaps");
        Add("postscreen_v2", "MAILSTACK_PROXY_SMTP_PORT", "smtp", "v2");
        Add("reject", "MAILSTACK_PROXY_SMTP_PORT", "smtp", expect: "reject-without-proxy");
        environment["Targets__reject__Attempts"] = "2";
        environment["Targets__reject__Timeout"] = "00:00:08";
        return environment;
    }
}
