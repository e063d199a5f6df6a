using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>spam-retention as a process against the real Dovecot of scripts/mailstack, with real mail from the SpamAssassin corpus.</summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed class RetentionJobTests
{
    private readonly MailStack stack = MailStack.Instance;

    [Theory]
    [InlineData("dovecot")]
    [InlineData("imap")]
    [InlineData("maildir")]
    public async Task EachBackend_DeletesExactlyWhatTheRulesSay_FromRealMail(string backend)
    {
        var sample = CorpusSample.Take(every: 25, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);
        var environment = RetentionEnvironment.For(stack, backend);
        environment["Retention__MaxDeletePercent"] = "100";

        var run = await RetentionEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(sample.Remaining, await RetentionMailbox.RemainingAsync(stack));
        Assert.Equal(sample.Messages.Count, RetentionEnvironment.Metric(run, "spam_retention_scanned_messages"));
        Assert.Equal(sample.AutoDoomed, RetentionEnvironment.Metric(run, "spam_retention_auto_deleted_messages"));
        Assert.Equal(sample.HumanDoomed, RetentionEnvironment.Metric(run, "spam_retention_human_deleted_messages"));
        Assert.Equal(sample.Remaining.Count, RetentionEnvironment.Metric(run, "spam_retention_kept_messages"));
        Assert.Equal(0, RetentionEnvironment.Metric(run, "spam_retention_errors"));
        Assert.True(sample.AutoDoomed > 20 && sample.HumanDoomed > 5 && sample.Remaining.Count > 50, "the sample exercises every rule");
        if (backend == "maildir")
        {
            Assert.Contains("doveadm force-resync of retention@example.test INBOX done (local)", run.Output);
        }
    }

    [Fact]
    public async Task TheImapBackend_LogsInAsADovecotMasterUser_AndDeletesExactlyWhatTheRulesSay()
    {
        var sample = CorpusSample.Take(every: 80, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);
        var environment = RetentionEnvironment.For(stack, "imap");
        environment["Imap__Username"] = $"{stack.RetentionUser}*{stack["MAILSTACK_MASTER_USER"]}";
        environment["Imap__Password"] = stack["MAILSTACK_MASTER_PASSWORD"];
        environment["Retention__MaxDeletePercent"] = "100";

        var run = await RetentionEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(sample.Remaining, await RetentionMailbox.RemainingAsync(stack));
        Assert.Equal(sample.AutoDoomed, RetentionEnvironment.Metric(run, "spam_retention_auto_deleted_messages"));
        Assert.DoesNotContain(stack["MAILSTACK_MASTER_PASSWORD"], run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_DeletesNothing_AndCountsWhatWouldGo()
    {
        var sample = CorpusSample.Take(every: 60, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);
        var environment = RetentionEnvironment.For(stack, "dovecot");
        environment["Retention__MaxDeletePercent"] = "100";

        var run = await RetentionEnvironment.RunAsync(environment, "--dry-run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(sample.Messages.Count, (await RetentionMailbox.RemainingAsync(stack)).Count);
        Assert.Equal(sample.AutoDoomed, RetentionEnvironment.Metric(run, "spam_retention_auto_deleted_messages"));
        Assert.Equal(sample.AutoDoomed + sample.HumanDoomed, run.Lines.Count(l => l.Contains("Would delete", StringComparison.Ordinal)));
        Assert.Contains("(dry run) spam_retention_scanned_messages", run.Output);
        Assert.DoesNotContain("last_success", run.Output);
        Assert.Contains("/metrics/job/spam-retention/dry_run/true/instance/retention-test-dovecot", run.Output);
    }

    [Fact]
    public async Task TheCap_RefusesToDeleteMostOfTheMailbox_UnlessForced()
    {
        var now = DateTimeOffset.UtcNow;
        var old = Enumerable.Range(0, 6).Select(i => (i, System.Text.Encoding.ASCII.GetBytes($"From: n{i}@list.example\r\nPrecedence: bulk\r\nSubject: old {i}\r\n\r\nx\r\n"), now.AddDays(-30)));
        var young = Enumerable.Range(6, 4).Select(i => (i, System.Text.Encoding.ASCII.GetBytes($"From: p{i}@example.net\r\nSubject: new {i}\r\n\r\nx\r\n"), now.AddDays(-1)));
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, old.Concat(young));
        var environment = RetentionEnvironment.For(stack, "dovecot");

        var refused = await RetentionEnvironment.RunAsync(environment);

        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("Refusing to delete 6 of 10 messages (60 %): more than Retention__MaxDeletePercent=50 or Retention__MaxDelete=5000. Nothing was deleted", refused.Output);
        Assert.Equal(10, (await RetentionMailbox.RemainingAsync(stack)).Count);

        var dryRun = await RetentionEnvironment.RunAsync(environment, "--dry-run");
        Assert.True(dryRun.ExitCode == 3, dryRun.ToString());
        Assert.Contains("A real run would refuse to delete 6 of 10 messages (60 %)", dryRun.Output);
        Assert.Equal(6, dryRun.Lines.Count(l => l.Contains("Would delete", StringComparison.Ordinal)));
        Assert.Equal(10, (await RetentionMailbox.RemainingAsync(stack)).Count);

        environment["Retention__MaxDeletePercent"] = "100";
        environment["Retention__MaxDelete"] = "5";
        Assert.Contains("Refusing to delete 6 of 10", (await RetentionEnvironment.RunAsync(environment)).Output);

        var forced = await RetentionEnvironment.RunAsync(environment, "--force");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal([6, 7, 8, 9], (await RetentionMailbox.RemainingAsync(stack)).Order());
    }

    [Fact]
    public async Task Profile_PrintsTotalsMarkersAgesRulesAndSenders_AsJson()
    {
        var sample = CorpusSample.Take(every: 60, DateTimeOffset.UtcNow);
        // Two senders the corpus sample cannot outnumber (its most frequent has 10): 30 letters from one, 20 from another written in mixed case
        // with a display name (one sender to the profile), all human and two days old.
        static byte[] Letter(string from, int n) => System.Text.Encoding.ASCII.GetBytes(
            $"From: {from}\r\nTo: spam@example.test\r\nSubject: letter {n}\r\nMessage-ID: <letter-{n}@example.test>\r\n\r\nHello {n}\r\n");
        var known = Enumerable.Range(0, 50)
            .Select(n => (Id: sample.Messages.Count + n, Raw: Letter(n < 30 ? "frequent@senders.example" : (n % 2 == 0 ? "Alice <Alice@Senders.Example>" : "alice@senders.example"), n), Received: DateTimeOffset.UtcNow.AddDays(-2)))
            .ToList();
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, [.. sample.Messages, .. known]);

        var run = await WorkerProcess.RunAsync("spam-retention", RetentionEnvironment.For(stack, "imap"), ["profile", "--json"], captureStandardErrorSeparately: true);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        var total = sample.Messages.Count + known.Count;
        Assert.Equal(total, root.GetProperty("messages").GetInt32());
        Assert.Equal(total - sample.Automated, root.GetProperty("markers").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "none").GetProperty("messages").GetInt32());
        var rules = root.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("messages").GetInt32());
        Assert.Equal(sample.AutoDoomed, rules["automated, would be deleted"]);
        Assert.Equal(sample.HumanDoomed, rules["other, would be deleted"]);
        Assert.Equal(total, root.GetProperty("ages").EnumerateArray().Sum(a => a.GetProperty("messages").GetInt32()));
        var top = root.GetProperty("topSendersByCount").EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("messages").GetInt32())).ToList();
        Assert.Equal(("frequent@senders.example", 30), top[0]);
        Assert.Equal(("alice@senders.example", 20), top[1]);
        Assert.True(top.Skip(1).Zip(top.Skip(2)).All(p => p.First.Item2 >= p.Second.Item2), "sorted by count");
        Assert.Equal(total, (await RetentionMailbox.RemainingAsync(stack)).Count);
    }
}
