using System.Text.RegularExpressions;
using MailserverWorkers.Testing;

namespace MailserverWorkers.Chart.Tests;

/// <summary>Chart.yaml and ct.yaml as chart-testing and Artifact Hub read them, held to the chart itself.</summary>
public sealed partial class ChartMetadataTests
{
    private static string ChartYaml => File.ReadAllText(Path.Join(ChartRendering.ChartDirectory, "Chart.yaml"));

    [Fact]
    public void KubeVersion_AllowsWhatTheCronJobsNeed_AndNoOlder()
    {
        // spec.timeZone of every CronJob is stable from 1.27.
        Assert.Equal("\">=1.27.0-0\"", ChartYaml.Split('\n').Single(l => l.StartsWith("kubeVersion: ", StringComparison.Ordinal))["kubeVersion: ".Length..]);
        var cronJobs = ChartRendering.Render(Path.Join(ChartRendering.ChartDirectory, "ci", "full-values.yaml")).Where(d => d.Kind == "CronJob").ToList();
        Assert.NotEmpty(cronJobs);
        Assert.All(cronJobs, c => Assert.NotNull(c.Object!["spec"]!["timeZone"]));
    }

    [Fact]
    public void TheImagesArtifactHubLists_AreTheWorkersImagesAtTheAppVersion()
    {
        var appVersion = AppVersion().Match(ChartYaml).Groups[1].Value;
        var listed = ImageLine().Matches(ChartYaml).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
        var workers = Directory.GetDirectories(Path.Join(MailStack.RepositoryRoot(), "services")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(workers, listed.Select(i => i.Item1).Order(StringComparer.Ordinal).ToList());
        Assert.All(listed, i => Assert.Equal((i.Item1, appVersion), (i.Item2, i.Item3)));
    }

    [Fact]
    public void ChartTesting_LooksInTheFolderThatHoldsTheChart()
    {
        var ct = File.ReadAllText(Path.Join(MailStack.RepositoryRoot(), "ct.yaml"));

        Assert.Matches(@"chart-dirs:\s+- charts\n", ct);
        Assert.Equal(Path.Join(MailStack.RepositoryRoot(), "charts"), Path.GetDirectoryName(ChartRendering.ChartDirectory));
    }

    [GeneratedRegex("appVersion: \"([^\"]+)\"")]
    private static partial Regex AppVersion();

    [GeneratedRegex(@"- name: ([a-z-]+)\n\s+image: ghcr\.io/mailserver-workers/([a-z-]+):(\S+)")]
    private static partial Regex ImageLine();
}
