using System.Text.Json.Nodes;
using MailserverWorkers.Testing;

namespace MailserverWorkers.Chart.Tests;

/// <summary>The alert rules: promtool's unit tests (Debian's prometheus package), and the PrometheusRule the chart renders.</summary>
public sealed class AlertRuleTests
{
    [Fact]
    public void EveryRule_FiresInOneTest_AndStaysQuietInAnother()
    {
        var (code, output, error) = ChartRendering.Run("promtool", ["test", "rules", "alerts.test.yaml"], Path.Join(MailStack.RepositoryRoot(), "tests", "alerts"));

        Assert.True(code == 0, output + error);
        var tests = File.ReadAllText(Path.Join(MailStack.RepositoryRoot(), "tests", "alerts", "alerts.test.yaml"));
        foreach (var rule in RuleNames())
        {
            // One evaluation expecting the alert, one expecting nothing, for every rule.
            Assert.Matches($@"alertname: {rule}\s+exp_alerts: \[\]", tests);
            Assert.Matches($@"alertname: {rule}\s+exp_alerts:\s+- exp_labels", tests);
        }
    }

    [Fact]
    public void EveryRule_HasARunbook_ASectionOfTheReadmeThatSaysWhatToDo()
    {
        var rules = ChartRendering.Render(Path.Join(ChartRendering.ChartDirectory, "ci", "full-values.yaml")).Single(d => d.Kind == "PrometheusRule").Object!["spec"]!["groups"]!
            .AsArray().SelectMany(g => g!["rules"]!.AsArray()).ToList();
        var home = File.ReadLines(Path.Join(ChartRendering.ChartDirectory, "Chart.yaml")).Single(l => l.StartsWith("home: ", StringComparison.Ordinal))["home: ".Length..];
        var readme = File.ReadAllText(Path.Join(MailStack.RepositoryRoot(), "README.md"));
        var runbooks = readme[readme.IndexOf("\n## Runbooks\n", StringComparison.Ordinal)..];
        runbooks = runbooks[..runbooks.IndexOf("\n## ", 4, StringComparison.Ordinal)];

        Assert.Equal(RuleNames(), rules.Select(r => r!["alert"]!.GetValue<string>()).Distinct());
        foreach (var rule in rules)
        {
            var name = rule!["alert"]!.GetValue<string>();
            // GitHub's anchor of a heading "### Name" is its lower-cased text.
            Assert.Equal($"{home}/blob/main/README.md#{name.ToLowerInvariant()}", rule["annotations"]?["runbook_url"]?.GetValue<string>());
            var section = runbooks.IndexOf($"\n### {name}\n", StringComparison.Ordinal);
            Assert.True(section >= 0, $"README's Runbooks have no section {name}");
            var end = runbooks.IndexOf("\n### ", section + 5, StringComparison.Ordinal);
            Assert.True((end < 0 ? runbooks.Length : end) - section > 200, $"the runbook of {name} says too little");
        }
    }

    [Fact]
    public void TheRulesFile_IsThePrometheusRuleWithTheDefaults()
    {
        var defaults = ChartRendering.ValuesFile("alerts: {prometheusRule: {enabled: true}}\nbackupRunner: {enabled: false}\nhaproxyHealth: {enabled: false}\n");
        try
        {
            var rendered = Groups(ChartRendering.Render(defaults));
            var yaml = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(RulesFile));
            var file = JsonNode.Parse(new YamlDotNet.Serialization.SerializerBuilder().JsonCompatible().Build().Serialize(yaml))!["groups"]!;

            Assert.True(JsonNode.DeepEquals(rendered, file), "files/alerts.rules.yaml differs from templates/_alerts.tpl with the defaults: run scripts/alert-rules");
        }
        finally
        {
            File.Delete(defaults);
        }
    }

    [Fact]
    public void TheThresholds_AreValues_EachBackupJobsStalenessFollowsItsSchedule_AndPromtoolAcceptsTheRules()
    {
        var values = ChartRendering.ValuesFile("""
            alerts:
              thresholds: {certificateExpiryDays: 30, roundtripFailingMinutes: 5, backupShrinkPercent: 20, postfixFatalLines: 3}
            backupRunner:
              jobs:
                - {name: daily, schedule: "0 3 * * *", sources: [{name: data, existingClaim: data}], podAffinity: {app: mail}, destination: {existingClaim: backups}}
                - {name: weekly, schedule: "30 2 * * 0", sources: [{name: data, existingClaim: data}], podAffinity: {app: mail}, destination: {existingClaim: backups}}
                - {name: sixhourly, schedule: "0 */6 * * *", sources: [{name: data, existingClaim: data}], podAffinity: {app: mail}, destination: {existingClaim: backups}}
                - {name: monthly, schedule: "0 4 1 * *", sources: [{name: data, existingClaim: data}], podAffinity: {app: mail}, destination: {existingClaim: backups}}
            """);
        var fixedHours = ChartRendering.ValuesFile("alerts: {thresholds: {backupStaleHours: 48}}\n");
        try
        {
            var full = Path.Join(ChartRendering.ChartDirectory, "ci", "full-values.yaml");
            var rules = Rules(ChartRendering.Render(full, values));
            string Expr(string alert) => rules.Single(r => r["alert"]!.GetValue<string>() == alert)["expr"]!.GetValue<string>();

            Assert.Equal("mail_path_tls_cert_expiry_timestamp_seconds - time() < 30 * 86400", Expr("CertificateExpiringSoon"));
            Assert.Equal("5m", rules.Single(r => r["alert"]!.GetValue<string>() == "EmailRoundtripFailing")["for"]!.GetValue<string>());
            Assert.Contains("backup_files < 80 / 100 * backup_previous_snapshot_files", Expr("MailserverBackupShrank"), StringComparison.Ordinal);
            Assert.Equal("mail_path_postfix_fatal_log_lines > 3", Expr("PostfixFatalsHigh"));
            // One and a half times each job's interval, in the one rule.
            Assert.Equal(
                "(time() - backup_last_success_timestamp_seconds{job=\"daily-backup\"} > 36 * 3600)"
                + " or (time() - backup_last_success_timestamp_seconds{job=\"weekly-backup\"} > 252 * 3600)"
                + " or (time() - backup_last_success_timestamp_seconds{job=\"sixhourly-backup\"} > 9 * 3600)"
                + " or (time() - backup_last_success_timestamp_seconds{job=\"monthly-backup\"} > 1116 * 3600)",
                Expr("MailserverBackupStale"));
            var fixedExpr = Rules(ChartRendering.Render(full, values, fixedHours)).Single(r => r["alert"]!.GetValue<string>() == "MailserverBackupStale")["expr"]!.GetValue<string>();
            Assert.Equal(4, fixedExpr.Split(" > 48 * 3600").Length - 1);
            Assert.DoesNotContain(" > 36 * 3600", fixedExpr, StringComparison.Ordinal);
            Assert.Equal(RuleNames(), rules.Select(r => r["alert"]!.GetValue<string>()).Distinct());
            Assert.Equal("kube-prometheus-stack", ChartRendering.Render(full, values).Single(d => d.Kind == "PrometheusRule").Object!["metadata"]!["labels"]!["release"]!.GetValue<string>());

            var file = Path.Join(Path.GetTempPath(), $"rendered-rules-{Guid.NewGuid():n}.json");
            // promtool reads YAML, and JSON is YAML.
            File.WriteAllText(file, new JsonObject { ["groups"] = Groups(ChartRendering.Render(full, values)).DeepClone() }.ToJsonString());
            try
            {
                var (code, output, error) = ChartRendering.Run("promtool", ["check", "rules", file]);

                Assert.True(code == 0, output + error);
                Assert.Contains($"SUCCESS: {rules.Count} rules found", output, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(file);
            }
        }
        finally
        {
            File.Delete(values);
            File.Delete(fixedHours);
        }
    }

    [Fact]
    public void AScheduleNoThresholdCanBeDerivedFrom_FailsTheRender_NamingTheValue()
    {
        var values = ChartRendering.ValuesFile("""
            alerts: {prometheusRule: {enabled: true}}
            backupRunner:
              jobs:
                - {name: odd, schedule: "@weekly", sources: [{name: data, existingClaim: data}], podAffinity: {app: mail}, destination: {existingClaim: backups}}
            """);
        try
        {
            var e = Assert.Throws<ChartRenderException>(() => ChartRendering.Render(Path.Join(ChartRendering.ChartDirectory, "ci", "minimal-values.yaml"), values));

            Assert.Contains("cannot derive a staleness threshold from schedule \"@weekly\": set alerts.thresholds.backupStaleHours", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(values);
        }
    }

    private static string RulesFile => Path.Join(ChartRendering.ChartDirectory, "files", "alerts.rules.yaml");

    private static JsonArray Groups(IEnumerable<RenderedDocument> documents) =>
        documents.Single(d => d.Kind == "PrometheusRule").Object!["spec"]!["groups"]!.AsArray();

    private static List<JsonNode> Rules(IEnumerable<RenderedDocument> documents) =>
        Groups(documents).SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!).ToList();

    [Fact]
    public void EveryAlertTheIssuesAskedFor_IsThere() => Assert.Equal(
        ["EmailRoundtripFailing", "EmailRoundtripStale", "EmailDeliveredToJunk", "MailserverBackupStale", "MailserverBackupNeverSucceeded",
         "MailserverBackupShrank", "BackupDurationHigh", "SpamRetentionErrors", "SpamRetentionStale", "MailPathDegraded", "CertificateExpiringSoon", "PostfixFatalsHigh",
         "MailQueueGrowing", "MailDeferredTooLong", "MailserverStatsSourceDown", "DovecotAuthFailuresSpike", "MailserverStatsStale"],
        RuleNames());

    private static List<string> RuleNames() =>
        File.ReadLines(RulesFile)
            .Where(l => l.TrimStart().StartsWith("- alert: ", StringComparison.Ordinal))
            .Select(l => l.Trim()["- alert: ".Length..])
            .ToList();
}
