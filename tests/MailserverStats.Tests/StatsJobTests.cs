using MailKit.Net.Imap;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>
/// One run against the stack's real Postfix (mail deferred at an MX that refuses, mail held with postsuper), real
/// Dovecot (its stats-reader socket, metrics defined in the stack's dovecot.conf, real logins) and real Rspamd (its
/// controller), pushed to the real Pushgateway.
/// </summary>
public sealed class StatsJobTests
{
    private static MailStack Stack => MailStack.Instance;

    [Fact]
    public async Task DeferredAndHeldMail_AreCounted_ByQueue_Domain_AndStatus_AndPushed()
    {
        var (id, domain) = await PostfixQueue.DeferAsync(recipients: 3);
        try
        {
            var environment = StatsEnvironment.For("postfix");
            var deferred = await StatsEnvironment.RunAsync(environment);
            await PostfixQueue.PostsuperAsync("-h", id);
            var held = await StatsEnvironment.RunAsync(environment);

            Assert.True(deferred.ExitCode == 0, deferred.ToString());
            Assert.Equal(3, StatsEnvironment.Sample(deferred, $"mailserver_postfix_deferred_recipients{{domain=\"{domain}\"}}"));
            Assert.True(StatsEnvironment.Sample(deferred, "mailserver_postfix_deferred_recipients_by_status{status=\"4.4.1\"}") >= 3, deferred.ToString());
            Assert.True(StatsEnvironment.Sample(deferred, "mailserver_postfix_queue_messages{queue=\"deferred\"}") >= 1);
            Assert.True(StatsEnvironment.Sample(deferred, "mailserver_postfix_queue_size_bytes{queue=\"deferred\"}") > 0);
            Assert.InRange(StatsEnvironment.Sample(deferred, "mailserver_postfix_queue_oldest_message_age_seconds{queue=\"deferred\"}")!.Value, 0, 3600);
            Assert.Equal(1, StatsEnvironment.Sample(deferred, "mailserver_stats_source_up{source=\"postfix\"}"));
            Assert.Contains("postfix: ", deferred.Output, StringComparison.Ordinal);
            // Held, the message is no longer deferred: its domain is gone from the deferred counts.
            Assert.True(held.ExitCode == 0, held.ToString());
            Assert.True(StatsEnvironment.Sample(held, "mailserver_postfix_queue_messages{queue=\"hold\"}") >= 1);
            Assert.Null(StatsEnvironment.Sample(held, $"mailserver_postfix_deferred_recipients{{domain=\"{domain}\"}}"));
            Assert.Equal(0, StatsEnvironment.Sample(held, "mailserver_postfix_queue_messages{queue=\"maildrop\"}"));
            using var http = new HttpClient();
            var pushed = await http.GetStringAsync(new Uri(Stack.PushgatewayUrl, "/metrics"));
            Assert.Contains($"mailserver_postfix_queue_messages{{instance=\"{environment["Pushgateway__Labels__instance"]}\",job=\"mailserver-stats\",queue=\"hold\"}}", pushed, StringComparison.Ordinal);
        }
        finally
        {
            await PostfixQueue.PostsuperAsync("-d", id);
        }
    }

    [Fact]
    public async Task DovecotsMetrics_CountRealLogins_GoodAndBad_ImapCommandsByNameAndReply_AndDeliveries()
    {
        var environment = StatsEnvironment.For("dovecot");
        var user = Stack["MAILSTACK_STATS_USER"];
        var before = await StatsEnvironment.RunAsync(environment);
        await PostfixQueue.DeliverAsync(user);
        using (var imap = await Stack.OpenImapAsync(user, Stack["MAILSTACK_STATS_PASSWORD"]))
        {
            await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            await imap.DisconnectAsync(true);
        }

        using (var bad = new ImapClient())
        {
            // Plain IMAP on loopback, where Dovecot allows a login without TLS.
            await bad.ConnectAsync("127.0.0.1", Stack.ImapPort, MailKit.Security.SecureSocketOptions.None);
            await Assert.ThrowsAsync<MailKit.Security.AuthenticationException>(() => bad.AuthenticateAsync(user, "not the password"));
        }

        var after = await StatsEnvironment.RunAsync(environment);

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.True(after.ExitCode == 0, after.ToString());
        double Events(WorkerRun run, string metric, string group = "") =>
            StatsEnvironment.Sample(run, $"mailserver_dovecot_events_total{{metric=\"{metric}\",group=\"{group}\"}}") ?? 0;
        Assert.True(Events(after, "auth_failures") >= Events(before, "auth_failures") + 1, after.ToString());
        Assert.True(Events(after, "auth_success") >= Events(before, "auth_success") + 1);
        Assert.True(Events(after, "imap_command", "SELECT_OK") + Events(after, "imap_command", "EXAMINE_OK") >= Events(before, "imap_command", "SELECT_OK") + Events(before, "imap_command", "EXAMINE_OK") + 1, after.ToString());
        Assert.True(StatsEnvironment.Sample(after, "mailserver_dovecot_duration_seconds{metric=\"auth_success\",group=\"\",quantile=\"0.5\"}") > 0);
        // The stack's mail_delivery quantizes its durations (exponential, 1 ms to 10 s): the +Inf bucket holds every
        // delivery, and the finite buckets, cumulative, hold the one just made. Dovecot lists a bucket only once an
        // event fell in it, so there are one or more.
        Assert.True(Events(after, "mail_delivery") >= Events(before, "mail_delivery") + 1, after.ToString());
        Assert.Equal(Events(after, "mail_delivery"), StatsEnvironment.Sample(after, "mailserver_dovecot_events_bucket{metric=\"mail_delivery\",group=\"\",field=\"duration\",le=\"+Inf\"}"));
        var finite = after.Lines.Where(l => l.Contains(" mailserver_dovecot_events_bucket{metric=\"mail_delivery\",group=\"\",field=\"duration\",le=\"", StringComparison.Ordinal) && !l.Contains("+Inf", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(finite);
        Assert.Equal(finite.Order().ToList(), finite);
        Assert.True(finite[^1] >= 1 && finite[^1] <= Events(after, "mail_delivery"), after.ToString());
        Assert.Equal(1, StatsEnvironment.Sample(after, "mailserver_stats_source_up{source=\"dovecot\"}"));
    }

    [Fact]
    public async Task RspamdsCounters_GrowWithTheMailItScans()
    {
        var environment = StatsEnvironment.For("rspamd");
        var before = await StatsEnvironment.RunAsync(environment);
        var (id, _) = await PostfixQueue.DeferAsync(recipients: 1);
        await PostfixQueue.PostsuperAsync("-d", id);
        var after = await StatsEnvironment.RunAsync(environment);

        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.True(StatsEnvironment.Sample(after, "mailserver_rspamd_scanned_total") >= StatsEnvironment.Sample(before, "mailserver_rspamd_scanned_total") + 1, after.ToString());
        Assert.NotNull(StatsEnvironment.Sample(after, "mailserver_rspamd_actions_total{action=\"no action\"}"));
        Assert.NotNull(StatsEnvironment.Sample(after, "mailserver_rspamd_actions_total{action=\"reject\"}"));
    }

    [Fact]
    public async Task ASourceThatFails_IsDownAlone_TheOthersArePushed_AndTheRunExits1()
    {
        var environment = StatsEnvironment.For("postfix", "dovecot", "rspamd");
        environment["Stats__DovecotConfigFile"] = "/nonexistent/dovecot.conf";

        var run = await StatsEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(run.Lines, l => l.Contains("FAILED dovecot: doveadm (local) exited ", StringComparison.Ordinal) && l.Contains("/nonexistent/dovecot.conf", StringComparison.Ordinal));
        Assert.Equal(0, StatsEnvironment.Sample(run, "mailserver_stats_source_up{source=\"dovecot\"}"));
        Assert.Equal(1, StatsEnvironment.Sample(run, "mailserver_stats_source_up{source=\"postfix\"}"));
        Assert.Equal(1, StatsEnvironment.Sample(run, "mailserver_stats_source_up{source=\"rspamd\"}"));
        Assert.DoesNotContain("mailserver_dovecot_", run.Output, StringComparison.Ordinal);
        using var http = new HttpClient();
        var pushed = await http.GetStringAsync(new Uri(Stack.PushgatewayUrl, "/metrics"));
        var instance = environment["Pushgateway__Labels__instance"];
        Assert.Contains($"mailserver_stats_source_up{{instance=\"{instance}\",job=\"mailserver-stats\",source=\"dovecot\"}} 0", pushed, StringComparison.Ordinal);
        Assert.Contains($"mailserver_rspamd_scanned_total{{instance=\"{instance}\",job=\"mailserver-stats\"}}", pushed, StringComparison.Ordinal);
        Assert.Contains($"mailserver_stats_last_run_exit_code{{instance=\"{instance}\",job=\"mailserver-stats\"}} 1", pushed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postfix", "Stats__PostqueuePath", "printf '%s\\n' '{\"queue_name\": \"hold\", \"arrival_time\": 1, \"message_size\": 1}'; printf '{\"queue_name\": \"deferred\", \"arri'", "postqueue (local) printed output that could not be read: the output ends inside a queue entry (cut short)")]
    [InlineData("postfix", "Stats__PostqueuePath", "echo 'postqueue: fatal: Queue report unavailable - mail system is down' >&2; exit 69", "postqueue (local) exited 69: postqueue: fatal: Queue report unavailable - mail system is down")]
    [InlineData("rspamd", "Stats__RspamcPath", "printf '{\"scanned\": 1, \"actions\": {\"reject\": '", "rspamc (local) printed output that could not be read: ")]
    [InlineData("rspamd", "Stats__RspamcPath", "echo 'IO write error: Connection refused' >&2; exit 1", "rspamc (local) exited 1: IO write error: Connection refused")]
    [InlineData("dovecot", "Stats__DoveadmPath", "exec sleep 30", "doveadm (local) did not finish within Stats__Timeout=00:00:01")]
    public async Task OutputThatDoesNotMeanWhatItSeems_FailsThatSourceAlone(string source, string key, string script, string failure)
    {
        var environment = StatsEnvironment.For("postfix", "dovecot", "rspamd");
        environment[key] = StatsEnvironment.Tool(Path.GetFileName(key.Replace("Stats__", "", StringComparison.Ordinal).Replace("Path", "", StringComparison.Ordinal).ToLowerInvariant()), script);
        environment["Stats__Timeout"] = "00:00:01";

        var run = await StatsEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(run.Lines, l => l.Contains($"FAILED {source}: {failure}", StringComparison.Ordinal));
        Assert.Equal(0, StatsEnvironment.Sample(run, $"mailserver_stats_source_up{{source=\"{source}\"}}"));
        Assert.Equal(2, new[] { "postfix", "dovecot", "rspamd" }.Count(s => StatsEnvironment.Sample(run, $"mailserver_stats_source_up{{source=\"{s}\"}}") == 1));
        // Nothing of the half-read output is pushed: a queue of one held message would be a lie.
        Assert.DoesNotContain($"mailserver_{source}_", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThroughKubernetesExec_TheSameCommandsRunInThePod()
    {
        await using var api = await KubernetesApiStandIn.StartAsync();
        var kubeconfig = Path.GetTempFileName();
        var (id, domain) = await PostfixQueue.DeferAsync(recipients: 1);
        try
        {
            var environment = StatsEnvironment.For("postfix", "dovecot", "rspamd");
            environment["Stats__Runner"] = "kubernetes";
            environment["Kubernetes__Namespace"] = KubernetesApiStandIn.Namespace;
            environment["Kubernetes__LabelSelector"] = "app=mailserver";
            environment["Kubernetes__Kubeconfig"] = api.WriteKubeconfig(kubeconfig);

            var run = await StatsEnvironment.RunAsync(environment);

            Assert.True(run.ExitCode == 0, run.ToString());
            var commands = api.Commands.ToList();
            Assert.Equal($"postqueue -c {Stack["MAILSTACK_POSTFIX_CONFIG"]} -j", commands[0]);
            Assert.Equal($"doveadm -c {Stack.DovecotConfig} -f json stats dump", commands[1]);
            Assert.Equal($"rspamc -h {new Uri(Stack["MAILSTACK_RSPAMD_CONTROLLER_URL"]).Authority} -j stat", commands[2]);
            Assert.DoesNotContain(commands, c => c.Contains(" -r", StringComparison.Ordinal));
            Assert.Equal(1, StatsEnvironment.Sample(run, $"mailserver_postfix_deferred_recipients{{domain=\"{domain}\"}}"));
            Assert.Equal(3, commands.Count);
        }
        finally
        {
            await PostfixQueue.PostsuperAsync("-d", id);
            File.Delete(kubeconfig);
        }
    }
}
