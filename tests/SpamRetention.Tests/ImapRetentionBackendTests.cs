using System.Globalization;
using System.Text.RegularExpressions;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>
/// The imap backend's promises about the server it talks to, against the real Dovecot seen through a proxy that
/// changes one thing (no UIDPLUS; an INTERNALDATE that is younger when read again), and the real Pushgateway.
/// </summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed partial class ImapRetentionBackendTests
{
    private readonly MailStack stack = MailStack.Instance;

    private Dictionary<string, string> Through(ImapRewritingProxy proxy)
    {
        var environment = RetentionEnvironment.For(stack, "imap");
        environment["Imap__Port"] = proxy.Port.ToString(CultureInfo.InvariantCulture);
        environment["Imap__Security"] = "none";
        environment["Retention__MaxDeletePercent"] = "100";
        return environment;
    }

    private async Task<CorpusSample> LoadAsync()
    {
        var sample = CorpusSample.Take(every: 80, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);
        return sample;
    }

    [Fact]
    public async Task AServerWithoutUidplus_IsRefusedTheExpunge_AndNothingIsDeleted()
    {
        var sample = await LoadAsync();
        await using var proxy = new ImapRewritingProxy(stack.ImapPort, (line, _) => line.Replace(" UIDPLUS", "", StringComparison.Ordinal));

        var run = await RetentionEnvironment.RunAsync(Through(proxy));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("127.0.0.1 has no UIDPLUS: refusing to EXPUNGE, which would also remove mail other clients marked \\Deleted", run.Output, StringComparison.Ordinal);
        Assert.Equal(sample.Messages.Count, (await RetentionMailbox.RemainingAsync(stack)).Count);
    }

    [Fact]
    public async Task AMessageYoungerWhenReadAgainBeforeTheExpunge_IsKept()
    {
        var sample = await LoadAsync();
        var now = DateTimeOffset.UtcNow.ToString("dd-MMM-yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        var rereads = 0;
        // The scan asks INTERNALDATE with the size; the re-read before the expunge asks it alone: that answer says "now".
        await using var proxy = new ImapRewritingProxy(stack.ImapPort, (line, command) =>
        {
            if (!command.Contains("INTERNALDATE", StringComparison.Ordinal) || command.Contains("RFC822.SIZE", StringComparison.Ordinal) || !line.Contains("INTERNALDATE \"", StringComparison.Ordinal))
            {
                return line;
            }

            Interlocked.Increment(ref rereads);
            return InternalDate().Replace(line, $"INTERNALDATE \"{now}\"");
        });

        var run = await RetentionEnvironment.RunAsync(Through(proxy));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(rereads > 0, "the expunge was not preceded by a re-read of INTERNALDATE");
        Assert.True(sample.AutoDoomed + sample.HumanDoomed > 0);
        Assert.Equal(sample.Messages.Count, (await RetentionMailbox.RemainingAsync(stack)).Count);
        Assert.Equal(0, RetentionEnvironment.Metric(run, "spam_retention_auto_deleted_messages") + RetentionEnvironment.Metric(run, "spam_retention_human_deleted_messages"));
    }

    [Fact]
    public async Task ARealRun_PushesItsCountsAndLastSuccess_ADryRunPushesToItsOwnGroup_AndLeavesTheLastSuccess()
    {
        var sample = await LoadAsync();
        var environment = RetentionEnvironment.For(stack, "imap");
        var instance = "retention-push-" + Guid.NewGuid().ToString("n")[..8];
        environment["Pushgateway__Labels__instance"] = instance;
        environment["Retention__MaxDeletePercent"] = "100";

        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var real = await RetentionEnvironment.RunAsync(environment);
        var ended = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
        var lastSuccess = await PushedAsync(instance, "spam_retention_last_success_timestamp_seconds", dryRun: false);
        var dry = await RetentionEnvironment.RunAsync(environment, "--dry-run");

        Assert.True(real.ExitCode == 0, real.ToString());
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.InRange(lastSuccess!.Value, started, ended);
        Assert.Equal(sample.AutoDoomed, await PushedAsync(instance, "spam_retention_auto_deleted_messages", dryRun: false));
        Assert.Equal(sample.HumanDoomed, await PushedAsync(instance, "spam_retention_human_deleted_messages", dryRun: false));
        Assert.Equal(1, await PushedAsync(instance, "spam_retention_last_run_success", dryRun: false));
        // The dry run found nothing left to delete; its figures are in the dry_run="true" group, the real group's
        // last success is the real run's.
        Assert.Equal(0, await PushedAsync(instance, "spam_retention_auto_deleted_messages", dryRun: true));
        Assert.Equal(lastSuccess, await PushedAsync(instance, "spam_retention_last_success_timestamp_seconds", dryRun: false));
        Assert.Null(await PushedAsync(instance, "spam_retention_last_success_timestamp_seconds", dryRun: true));
    }

    private async Task<double?> PushedAsync(string instance, string metric, bool dryRun)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var text = await http.GetStringAsync(new Uri(stack.PushgatewayUrl, "/metrics"));
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(metric + "{", StringComparison.Ordinal)
            && l.Contains($"instance=\"{instance}\"", StringComparison.Ordinal)
            && l.Contains("dry_run=\"true\"", StringComparison.Ordinal) == dryRun);
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("INTERNALDATE \"[^\"]*\"")]
    private static partial Regex InternalDate();
}
