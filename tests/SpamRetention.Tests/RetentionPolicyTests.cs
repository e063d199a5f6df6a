using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention.Tests;

public sealed class RetentionPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly RetentionPolicy Policy = new(Options.Create(new RetentionOptions()));

    private static MessageHeaders Headers(params (string Name, string Value)[] fields)
    {
        var headers = new MessageHeaders();
        foreach (var (name, value) in fields)
        {
            headers.Add(name, value);
        }

        return headers;
    }

    [Theory]
    [InlineData("List-Unsubscribe", "<mailto:unsubscribe@list.example>", "List-Unsubscribe")]
    [InlineData("Precedence", "bulk", "Precedence")]
    [InlineData("Precedence", "List", "Precedence")]
    [InlineData("Precedence", "junk (old style)", "Precedence")]
    [InlineData("Auto-Submitted", "auto-generated", "Auto-Submitted")]
    [InlineData("Auto-Submitted", "auto-replied; owner-email=\"x@y\"", "Auto-Submitted")]
    [InlineData("Auto-Submitted", "auto-notified", "Auto-Submitted")]
    public void MarkersOf_FindsEachAutomatedMarker(string name, string value, string marker) =>
        Assert.Equal([marker], Policy.MarkersOf(Headers((name, value))));

    [Theory]
    [InlineData("Auto-Submitted", "no")]
    [InlineData("Auto-Submitted", "No (sent by a person)")]
    [InlineData("Precedence", "first-class")]
    [InlineData("X-Precedence", "bulk")]
    [InlineData("Subject", "List-Unsubscribe: bulk")]
    public void MarkersOf_FindsNone_ForMailFromPeople(string name, string value) =>
        Assert.Empty(Policy.MarkersOf(Headers((name, value))));

    [Fact]
    public void MarkersAndValues_AreConfigurable()
    {
        var custom = new RetentionPolicy(Options.Create(new RetentionOptions
        {
            PresenceMarkers = "List-Id, Feedback-ID",
            PrecedenceValues = "bulk",
            AutoSubmitted = false,
        }));

        Assert.Equal(["List-Id", "Feedback-ID"], custom.MarkersOf(Headers(("List-Id", "<x>"), ("Feedback-ID", "1"), ("List-Unsubscribe", "<y>"))));
        Assert.Empty(custom.MarkersOf(Headers(("Precedence", "list"), ("Auto-Submitted", "auto-generated"))));
        Assert.Contains("Feedback-ID", custom.MarkerHeaderNames);
    }

    [Theory]
    [InlineData(true, 13.9, RetentionDecision.Keep)]
    [InlineData(true, 14.0, RetentionDecision.Keep)]
    [InlineData(true, 14.00001, RetentionDecision.DeleteAutomated)]
    [InlineData(false, 14.00001, RetentionDecision.Keep)]
    [InlineData(false, 90.0, RetentionDecision.Keep)]
    [InlineData(false, 90.00001, RetentionDecision.DeleteHuman)]
    [InlineData(true, 365, RetentionDecision.DeleteAutomated)]
    public void Decide_DeletesOnlyWhatIsStrictlyOlderThanItsLimit(bool automated, double ageDays, RetentionDecision expected) =>
        Assert.Equal(expected, Policy.Decide(automated, Now - TimeSpan.FromDays(ageDays), Now));

    [Fact]
    public void CutoffFor_IsNowMinusTheLimit()
    {
        Assert.Equal(Now.AddDays(-14), Policy.CutoffFor(RetentionDecision.DeleteAutomated, Now));
        Assert.Equal(Now.AddDays(-90), Policy.CutoffFor(RetentionDecision.DeleteHuman, Now));
    }
}
