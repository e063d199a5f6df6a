using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>
/// The plan decides each message as the scan hands it over, from several threads at once, and holds only what the
/// command needs: the counts of all, the doomed and the unreadable for a run, everything for the profile.
/// </summary>
public sealed class RetentionPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly RetentionPolicy Policy = new(Options.Create(new RetentionOptions()));

    private static MailboxMessage Message(int i, bool automated, int daysOld)
    {
        var headers = new MessageHeaders();
        headers.Add("From", $"sender{i}@example.org");
        if (automated)
        {
            headers.Add("Auto-Submitted", "auto-generated");
        }

        return new MailboxMessage($"cur/{i}", Now.AddDays(-daysOld), 1000 + i, headers, null);
    }

    // 1,000 old automated (doomed), 3,000 young human (kept), 10 unreadable, 5 vanished.
    private static List<MailboxMessage> Mailbox() =>
    [
        .. Enumerable.Range(0, 1000).Select(i => Message(i, automated: true, daysOld: 30)),
        .. Enumerable.Range(1000, 3000).Select(i => Message(i, automated: false, daysOld: 1)),
        .. Enumerable.Range(4000, 10).Select(i => new MailboxMessage($"cur/{i}", DateTimeOffset.MaxValue, 0, null, "unreadable: Permission denied")),
        .. Enumerable.Range(4010, 5).Select(i => new MailboxMessage($"cur/{i}", DateTimeOffset.MaxValue, 0, null, null)),
    ];

    private static RetentionPlan Fill(RetentionPlan plan)
    {
        Parallel.ForEach(Mailbox(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, plan.Add);
        return plan;
    }

    [Fact]
    public void ARun_HoldsTheDoomedAndTheUnreadable_NotTheKept_AndCountsEverything()
    {
        var plan = Fill(new RetentionPlan(Policy, Now));

        Assert.Equal(4010, plan.Scanned);
        Assert.Equal(1000, plan.DoomedCount);
        Assert.Equal(1000, plan.Messages.Count);
        Assert.All(plan.Messages, m => Assert.Equal(RetentionDecision.DeleteAutomated, m.Decision));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"cur/{i}").Order(), plan.Doomed(RetentionDecision.DeleteAutomated).Select(m => m.Message.Id).Order());
        Assert.Empty(plan.Doomed(RetentionDecision.DeleteHuman));
        Assert.Equal(10, plan.Unreadable.Count);
        Assert.Equal(Enumerable.Range(0, 4000).Sum(i => 1000L + i), plan.Bytes);
        Assert.False(plan.DoomedDropped);
    }

    [Fact]
    public void TheProfile_HoldsEveryReadableMessage()
    {
        var plan = Fill(new RetentionPlan(Policy, Now, keepAll: true, holdDoomedAtMost: 10));

        Assert.Equal(4000, plan.Messages.Count);
        Assert.Equal(3000, plan.Messages.Count(m => m.Decision == RetentionDecision.Keep));
        Assert.False(plan.DoomedDropped);
    }

    [Fact]
    public void PastTheAbsoluteCap_TheDoomedAreLetGo_AndTheCapsStillRefuse()
    {
        var caps = new RetentionOptions { MaxDelete = 999, MaxDeletePercent = 100 };
        var plan = Fill(new RetentionPlan(Policy, Now, holdDoomedAtMost: caps.MaxDelete));

        Assert.True(plan.DoomedDropped);
        Assert.Empty(plan.Messages);
        Assert.Equal(1000, plan.DoomedCount);
        Assert.Equal(4010, plan.Scanned);
        Assert.True(plan.ExceedsCaps(caps));
        Assert.Throws<InvalidOperationException>(() => plan.Doomed(RetentionDecision.DeleteAutomated));
    }

    [Fact]
    public void AtTheAbsoluteCap_EveryDoomedMessageIsHeld()
    {
        var caps = new RetentionOptions { MaxDelete = 1000, MaxDeletePercent = 100 };
        var plan = Fill(new RetentionPlan(Policy, Now, holdDoomedAtMost: caps.MaxDelete));

        Assert.False(plan.DoomedDropped);
        Assert.Equal(1000, plan.Doomed(RetentionDecision.DeleteAutomated).Count);
        Assert.False(plan.ExceedsCaps(caps));
    }

    [Fact]
    public void ThePercentCap_IsTakenOnTheWholeMailbox_NotOnWhatWasReadSoFar()
    {
        // 1,000 of 4,010 is 24.9 %: a cap of 25 % passes, 24 % refuses; the order messages arrive in changes nothing.
        Assert.False(Fill(new RetentionPlan(Policy, Now, holdDoomedAtMost: 5000)).ExceedsCaps(new RetentionOptions { MaxDelete = 5000, MaxDeletePercent = 25 }));
        Assert.True(Fill(new RetentionPlan(Policy, Now, holdDoomedAtMost: 5000)).ExceedsCaps(new RetentionOptions { MaxDelete = 5000, MaxDeletePercent = 24 }));
    }

    [Fact]
    public void ADryRun_HoldsNothing_NamesEachDoomedMessageOnce_AndCountsByRule()
    {
        var named = new System.Collections.Concurrent.ConcurrentBag<string>();
        var plan = Fill(new RetentionPlan(Policy, Now, holdDoomedAtMost: 0, onDoomed: m => named.Add(m.Message.Id)));

        Assert.Empty(plan.Messages);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"cur/{i}").Order(), named.Order());
        Assert.Equal((1000, Enumerable.Range(0, 1000).Sum(i => 1000L + i)), plan.DoomedBy(RetentionDecision.DeleteAutomated));
        Assert.Equal((0, 0L), plan.DoomedBy(RetentionDecision.DeleteHuman));
        Assert.Equal(4010, plan.Scanned);
    }
}
