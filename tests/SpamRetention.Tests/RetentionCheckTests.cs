using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary><c>--check</c> of every backend against the real Dovecot: the folder is found and opened, nothing deleted; a folder that does not exist is one FAILED line.</summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed class RetentionCheckTests
{
    private readonly MailStack stack = MailStack.Instance;

    [Theory]
    [InlineData("dovecot")]
    [InlineData("imap")]
    [InlineData("maildir")]
    public async Task Check_OpensTheFolder_DeletesNothing_AndNamesAFolderThatIsNotThere(string backend)
    {
        var sample = CorpusSample.Take(every: 200, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);
        var environment = RetentionEnvironment.For(stack, backend);
        environment["Retention__MaxDeletePercent"] = "100";

        var ok = await RetentionEnvironment.RunAsync(environment, "--check");
        environment["Retention__Mailbox"] = "Nowhere";
        var missing = await RetentionEnvironment.RunAsync(environment, "--check");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains(": the folder found and opened, read-only", ok.Output, StringComparison.Ordinal);
        Assert.Contains("Check: 1 passed, 0 failed", ok.Output, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Single(missing.Lines, l => l.Contains("FAILED ", StringComparison.Ordinal) && l.Contains("Nowhere", StringComparison.Ordinal));
        Assert.Equal(sample.Messages.Count, (await RetentionMailbox.RemainingAsync(stack)).Count);
        Assert.DoesNotContain("spam_retention_", ok.Output, StringComparison.Ordinal);
    }
}
