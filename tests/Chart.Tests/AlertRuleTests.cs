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

        Assert.Equal(RuleNames().Count, rules.Count);
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
    public void ThePrometheusRule_HoldsExactlyThePlainRulesFile_AndPromtoolAcceptsIt()
    {
        var rendered = ChartRendering.Render(Path.Join(ChartRendering.ChartDirectory, "ci", "full-values.yaml")).Single(d => d.Kind == "PrometheusRule").Object!;
        var groups = rendered["spec"]!["groups"]!.AsArray();
        var file = Path.Join(Path.GetTempPath(), $"rendered-rules-{Guid.NewGuid():n}.json");
        // promtool reads YAML, and JSON is YAML.
        File.WriteAllText(file, new JsonObject { ["groups"] = groups.DeepClone() }.ToJsonString());
        try
        {
            var (code, output, error) = ChartRendering.Run("promtool", ["check", "rules", file]);

            Assert.True(code == 0, output + error);
            Assert.Contains($"SUCCESS: {RuleNames().Count} rules found", output, StringComparison.Ordinal);
            Assert.Equal("kube-prometheus-stack", rendered["metadata"]!["labels"]!["release"]!.GetValue<string>());
            Assert.Equal(RuleNames(), groups.SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!["alert"]!.GetValue<string>()).ToList());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void EveryAlertTheIssuesAskedFor_IsThere() => Assert.Equal(
        ["EmailRoundtripFailing", "EmailRoundtripStale", "EmailDeliveredToJunk", "MailserverBackupStale", "MailserverBackupNeverSucceeded",
         "MailserverBackupShrank", "BackupDurationHigh", "SpamRetentionErrors", "SpamRetentionStale", "MailPathDegraded", "CertificateExpiringSoon", "PostfixFatalsHigh"],
        RuleNames());

    private static List<string> RuleNames() =>
        File.ReadLines(Path.Join(ChartRendering.ChartDirectory, "files", "alerts.rules.yaml"))
            .Where(l => l.TrimStart().StartsWith("- alert: ", StringComparison.Ordinal))
            .Select(l => l.Trim()["- alert: ".Length..])
            .ToList();
}
