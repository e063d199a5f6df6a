using MailserverWorkers.Testing;

namespace MailserverWorkers.Shared.Tests.Secrets;

/// <summary>
/// Every worker as a process, a marker secret in every secret key and in every URL (user info, query, the push
/// token), run into its failure paths (refused connections, a missing folder, a bad key): the marker must appear
/// nowhere in what the worker prints.
/// </summary>
public sealed class SecretSweepTests
{
    private const string Marker = "Mark3rS3cret";

    // Loopback port 9 (discard) refuses: every network call fails at once.
    private const string Refused = "127.0.0.1";
    private const string RefusedPort = "9";

    private static Dictionary<string, string> Reports() => new()
    {
        ["Pushgateway__Url"] = $"http://push:{Marker}@{Refused}:{RefusedPort}/",
        ["Pushgateway__Attempts"] = "2",
        ["Pushgateway__RetryDelay"] = "00:00:00.050",
        ["UptimeKuma__PushUrl"] = $"http://{Refused}:{RefusedPort}/api/push/{Marker}?status=up&msg={Marker}&ping=",
        ["UptimeKuma__Attempts"] = "2",
        ["UptimeKuma__RetryDelay"] = "00:00:00.050",
    };

    public static TheoryData<string, string> Runs => new()
    {
        { "roundtrip-probe", "run" },
        { "roundtrip-probe", "bad key" },
        { "spam-retention", "run" },
        { "spam-retention", "bad key" },
        { "backup-runner", "run" },
        { "haproxy-health", "run" },
        { "haproxy-health", "bad key" },
        { "haproxy-health", "bad url" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task NoSecret_IsPrinted_OnAnyFailurePath(string worker, string path)
    {
        var environment = Reports();
        foreach (var (key, value) in Environment(worker))
        {
            environment[key] = value;
        }

        if (path == "bad url")
        {
            // A URL refused at start is named, never echoed: it may carry the password.
            environment["HAProxy__StatsUrl"] = $"ftp://admin:{Marker}@{Refused}/stats";
        }

        if (path == "bad key")
        {
            // A configuration error is reported before anything runs: its line names the key, never a value.
            environment[worker == "haproxy-health" ? "Targets__smtp__Port" : "Imap__Port"] = Marker;
        }

        var run = await WorkerProcess.RunAsync(worker, environment);

        Assert.True(run.ExitCode is 1 or 2, run.ToString());
        Assert.True(run.Output.Length > 0, "the worker printed nothing");
        Assert.DoesNotContain(Marker, run.Output + run.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> Environment(string worker) => worker switch
    {
        "roundtrip-probe" => new()
        {
            ["Probe__From"] = "probe@example.test",
            ["Probe__To"] = "probe@example.test",
            ["Smtp__Host"] = Refused,
            ["Smtp__Port"] = RefusedPort,
            ["Smtp__Username"] = "probe@example.test",
            ["Smtp__Password"] = Marker,
            ["Brevo__ApiKey"] = Marker,
            ["Imap__Host"] = Refused,
            ["Imap__Port"] = RefusedPort,
            ["Imap__Username"] = "probe@example.test",
            ["Imap__Password"] = Marker,
        },
        "spam-retention" => new()
        {
            ["Retention__Backend"] = "imap",
            ["Imap__Host"] = Refused,
            ["Imap__Port"] = RefusedPort,
            ["Imap__Username"] = "spam@example.test",
            ["Imap__Password"] = Marker,
        },
        "backup-runner" => new()
        {
            ["Backup__Sources__data"] = "/nonexistent-source",
            ["Backup__Destination"] = Directory.CreateTempSubdirectory("secret-sweep-").FullName,
        },
        _ => new()
        {
            ["Targets__smtp__Host"] = Refused,
            ["Targets__smtp__Port"] = RefusedPort,
            ["Targets__smtp__Protocol"] = "smtp",
            ["Targets__smtp__Attempts"] = "1",
            ["HAProxy__StatsUrl"] = $"http://admin:{Marker}@{Refused}:{RefusedPort}/stats?token={Marker}",
        },
    };
}
