using MailKit;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>
/// The cleanup never expunges mail another client marked \Deleted: with UIDPLUS (the real Dovecot) by UID; without
/// it (the same Dovecot behind a proxy that takes UIDPLUS out of its capabilities) only when nothing else is marked.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class ImapProbeCleanerTests
{
    private readonly MailStack stack = MailStack.Instance;

    [Fact]
    public async Task MailAnotherClientMarkedDeleted_SurvivesTheCleanup_WithAndWithoutUidplus()
    {
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, ProbeOptions.DefaultSubjectPrefix);
        var marked = "marked by another client " + Guid.NewGuid().ToString("N");
        await Mailbox.AppendAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", marked, MessageFlags.Deleted);
        await using var withoutUidplus = new ImapRewritingProxy(stack.ImapPort, (line, _) => line.Replace(" UIDPLUS", "", StringComparison.Ordinal));

        var byUid = await ProbeEnvironment.RunAsync(ProbeEnvironment.Through(stack));
        var markedAfterUidExpunge = await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", marked);
        var withOtherMarked = await ProbeEnvironment.RunAsync(ProbeEnvironment.Through(stack, withoutUidplus.Port));
        var markedAfterPlainRun = await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", marked);
        var probesLeftFlagged = await Mailbox.CountDeletedAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", ProbeOptions.DefaultSubjectPrefix);
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, marked);
        var nothingElseMarked = await ProbeEnvironment.RunAsync(ProbeEnvironment.Through(stack, withoutUidplus.Port));

        Assert.True(byUid.ExitCode == 0, byUid.ToString());
        Assert.Equal(1, markedAfterUidExpunge);
        Assert.True(withOtherMarked.ExitCode == 0, withOtherMarked.ToString());
        Assert.Contains("INBOX: the server has no UIDPLUS and other mail is marked \\Deleted; probe mail is flagged, not expunged", withOtherMarked.Output, StringComparison.Ordinal);
        Assert.Equal(1, markedAfterPlainRun);
        Assert.Equal(1, probesLeftFlagged);
        Assert.True(nothingElseMarked.ExitCode == 0, nothingElseMarked.ToString());
        // With nothing else marked, EXPUNGE takes this run's probe mail and the one the run before left flagged.
        Assert.Equal(0, await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", ProbeOptions.DefaultSubjectPrefix));
    }
}
