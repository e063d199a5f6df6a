using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>backup-runner's configuration for a test's volumes, and the two ways to run it.</summary>
internal static class BackupRunnerEnvironment
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    /// <summary>data/ and state/ of <paramref name="volumes"/> into its destination; a job name of its own on the real Pushgateway.</summary>
    public static Dictionary<string, string> For(BackupVolumes volumes, string name) => new()
    {
        ["Backup__Sources__data"] = volumes.Data,
        ["Backup__Sources__state"] = volumes.State,
        ["Backup__Destination"] = volumes.Destination,
        ["Backup__Name"] = name,
        ["Backup__ProgressInterval"] = "00:00:01",
        ["Pushgateway__Url"] = MailStack.Instance.PushgatewayUrl.ToString(),
    };

    /// <summary>Runs the worker as a process, as the CronJob does.</summary>
    public static Task<WorkerRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        WorkerProcess.RunAsync("backup-runner", environment, arguments, TimeSpan.FromMinutes(3));

    /// <summary>
    /// Runs the worker in this process with <paramref name="time"/> as its clock, so that a test can make the
    /// snapshots of several weeks. The configuration goes in as a --config file (environment variables are shared by
    /// every test of the process). Returns the exit code.
    /// </summary>
    public static async Task<int> RunAtAsync(IReadOnlyDictionary<string, string> environment, TimeProvider time, params string[] arguments)
    {
        var root = new JsonObject();
        foreach (var (key, value) in environment)
        {
            var parts = key.Split("__");
            var node = root;
            foreach (var part in parts[..^1])
            {
                node = (JsonObject)(node[part] ??= new JsonObject());
            }

            node[parts[^1]] = value;
        }

        var file = Path.Join(Path.GetTempPath(), $"backup-runner-test-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(file, root.ToJsonString());
        try
        {
            return await WorkerHost.RunAsync(["--config", file, .. arguments], BackupRunnerProgram.Definition, builder =>
            {
                builder.Services.AddBackupRunner();
                builder.Services.AddSingleton(time);
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A value the worker pushed to the real Pushgateway, read from its /metrics; null when absent.</summary>
    public static async Task<double?> PushedAsync(string job, string metric)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync(new Uri(MailStack.Instance.PushgatewayUrl, "/metrics"));
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains($"job=\"{job}\"", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    public static SnapshotMarker Marker(string snapshotFolder) =>
        JsonSerializer.Deserialize<SnapshotMarker>(File.ReadAllText(Path.Join(snapshotFolder, SnapshotMarker.FileName)), WebJson)!;

    public static string Week(DateTimeOffset time) => SnapshotNaming.IsoWeek.NameFor(time);
}
