using System.Text.Json.Nodes;
using MailserverWorkers.Testing;

namespace MailserverWorkers.Chart.Tests;

/// <summary>
/// The Grafana dashboards as the chart renders them (ConfigMaps with the sidecar's label): each of the five workers
/// runs against the real mail stack and pushes to the real Pushgateway under an instance label of this run's own,
/// Prometheus scrapes it, and every panel's query, narrowed to that instance, must return data through Prometheus's
/// query API: data other tests or earlier runs pushed under the same names cannot make a panel pass.
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly string Instance = "dashboard-" + Guid.NewGuid().ToString("n")[..8];
    private static MailStack Stack => MailStack.Instance;

    [Fact]
    public async Task EveryPanelsQuery_ReturnsData_AfterEachWorkerRan()
    {
        await RunEveryWorkerAsync();
        var dashboards = ChartRendering.Render(Path.Join(ChartRendering.ChartDirectory, "ci", "minimal-values.yaml"))
            .Where(d => d.Kind == "ConfigMap" && d.Object!["metadata"]!["labels"]!["grafana_dashboard"]?.GetValue<string>() == "1")
            .ToList();
        using var prometheus = new PrometheusQuery(Stack.PrometheusUrl);

        Assert.Equal(6, dashboards.Count);
        var checkedQueries = 0;
        foreach (var configMap in dashboards)
        {
            var (name, json) = configMap.Object!["data"]!.AsObject().Single();
            var dashboard = JsonNode.Parse(json!.GetValue<string>())!;
            Assert.False(string.IsNullOrEmpty(dashboard["uid"]?.GetValue<string>()), name);
            foreach (var panel in dashboard["panels"]!.AsArray().Where(p => p!["type"]!.GetValue<string>() != "row"))
            {
                foreach (var target in panel!["targets"]!.AsArray())
                {
                    // Grafana's own variables, as Grafana would fill them for a 1-hour view.
                    var query = ThisRunOnly(target!["expr"]!.GetValue<string>().Replace("$__range", "1h", StringComparison.Ordinal).Replace("$__rate_interval", "1m", StringComparison.Ordinal));
                    var values = await WaitForDataAsync(prometheus, query);
                    Assert.True(values.Count > 0, $"{name}: panel '{panel["title"]}' returned no data for {query}");
                    checkedQueries++;
                }
            }
        }

        Assert.True(checkedQueries >= 30, $"{checkedQueries} queries checked");
    }

    /// <summary>The query with every selector of a worker's metric narrowed to this run's instance.</summary>
    internal static string ThisRunOnly(string query) => WorkerMetric().Replace(query, m =>
        $"{m.Groups["name"].Value}{{instance=\"{Instance}\"{(m.Groups["labels"].Success && m.Groups["labels"].Value.Length > 0 ? "," + m.Groups["labels"].Value : "")}}}");

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?<name>(?:email_roundtrip|spam_retention|backup|mail_path|mailserver)_[a-z0-9_]+)(?:\{(?<labels>[^}]*)\})?")]
    private static partial System.Text.RegularExpressions.Regex WorkerMetric();

    private static async Task<IReadOnlyList<double>> WaitForDataAsync(PrometheusQuery prometheus, string query)
    {
        // Prometheus scrapes the Pushgateway every second; give a fresh push a few scrapes.
        var until = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var values = await prometheus.QueryAsync(query);
            if (values.Count > 0 || DateTime.UtcNow > until)
            {
                return values;
            }

            await Task.Delay(500);
        }
    }

    /// <summary>Each worker once, as its CronJob would run it, into the Pushgateway group of this run's instance.</summary>
    private static async Task RunEveryWorkerAsync()
    {
        var port = (string key) => Stack[key];
        var common = new Dictionary<string, string>
        {
            ["Pushgateway__Url"] = Stack.PushgatewayUrl.ToString(),
            ["Pushgateway__Labels__instance"] = Instance,
            ["Tls__CaFile"] = Stack.CaFile,
        };
        var user = Stack["MAILSTACK_DASHBOARD_USER"];
        var password = Stack["MAILSTACK_DASHBOARD_PASSWORD"];

        // The round trip through its own mailbox (dashboard@), so the roundtrip tests' mail is never touched.
        var probe = await WorkerProcess.RunAsync("roundtrip-probe", With(common, new()
        {
            ["Probe__From"] = user, ["Probe__To"] = user, ["Probe__Deadline"] = "00:00:30",
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = port("MAILSTACK_SUBMISSION_PORT"), ["Smtp__Security"] = "StartTls",
            ["Smtp__Username"] = user, ["Smtp__Password"] = password,
            ["Imap__Host"] = "127.0.0.1", ["Imap__Port"] = port("MAILSTACK_IMAPS_PORT"), ["Imap__Security"] = "SslOnConnect",
            ["Imap__Username"] = user, ["Imap__Password"] = password,
        }));
        Assert.True(probe.ExitCode == 0, probe.ToString());

        var retention = await WorkerProcess.RunAsync("spam-retention", With(common, new()
        {
            ["Retention__Backend"] = "imap", ["Imap__Host"] = "127.0.0.1", ["Imap__Port"] = port("MAILSTACK_IMAPS_PORT"),
            ["Imap__Username"] = user, ["Imap__Password"] = password,
        }));
        Assert.True(retention.ExitCode == 0, retention.ToString());

        var root = Path.Join(Path.GetTempPath(), "dashboard-backup-" + Guid.NewGuid().ToString("n"));
        try
        {
            Directory.CreateDirectory(Path.Join(root, "source", "cur"));
            Directory.CreateDirectory(Path.Join(root, "backups"));
            await File.WriteAllTextAsync(Path.Join(root, "source", "cur", "1.M1P1.dashboard:2,S"), "Subject: dashboard\n\nbody\n");
            var backup = await WorkerProcess.RunAsync("backup-runner", With(common, new()
            {
                ["Backup__Sources__data"] = Path.Join(root, "source"), ["Backup__Destination"] = Path.Join(root, "backups"), ["Backup__Name"] = "dashboard",
            }));
            Assert.True(backup.ExitCode == 0, backup.ToString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        var health = await WorkerProcess.RunAsync("haproxy-health", With(common, new()
        {
            ["Targets__smtp__Host"] = "127.0.0.1", ["Targets__smtp__Port"] = port("MAILSTACK_HAPROXY_SMTP_PORT"), ["Targets__smtp__Protocol"] = "smtp",
            // IMAPS straight to Dovecot: the haproxy-health tests, in another assembly, take HAProxy's imap and imaps
            // servers DOWN for a few seconds at a time; HAProxy's smtp backend they leave alone.
            ["Targets__imaps__Host"] = "127.0.0.1", ["Targets__imaps__Port"] = port("MAILSTACK_IMAPS_PORT"), ["Targets__imaps__Protocol"] = "imaps",
            ["HAProxy__StatsUrl"] = Stack["MAILSTACK_HAPROXY_STATS_URL"], ["HAProxy__FailOnServerDown"] = "false",
        }));
        Assert.True(health.ExitCode == 0, health.ToString());

        // With a message deferred (its domain and status are panels) and a delivery and a login Dovecot counts.
        var (queueId, _) = await PostfixQueue.DeferAsync();
        try
        {
            await PostfixQueue.DeliverAsync(Stack["MAILSTACK_STATS_USER"]);
            using (var imap = await Stack.OpenImapAsync(Stack["MAILSTACK_STATS_USER"], Stack["MAILSTACK_STATS_PASSWORD"]))
            {
                await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
                await imap.DisconnectAsync(true);
            }

            var stats = await WorkerProcess.RunAsync("mailserver-stats", With(common, new()
            {
                ["Stats__Postfix"] = "true", ["Stats__Dovecot"] = "true", ["Stats__Rspamd"] = "true",
                ["Stats__PostfixConfigDirectory"] = Stack["MAILSTACK_POSTFIX_CONFIG"], ["Stats__DovecotConfigFile"] = Stack.DovecotConfig,
                ["Stats__RspamdController"] = new Uri(Stack["MAILSTACK_RSPAMD_CONTROLLER_URL"]).Authority,
            }));
            Assert.True(stats.ExitCode == 0, stats.ToString());
        }
        finally
        {
            await PostfixQueue.PostsuperAsync("-d", queueId);
        }
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common, Dictionary<string, string> own) =>
        common.Concat(own).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
