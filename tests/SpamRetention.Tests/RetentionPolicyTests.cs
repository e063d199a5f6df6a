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

    // Each occurrence of a repeated field counts on its own; a field with an empty value says nothing.
    [Theory]
    [InlineData("Auto-Submitted: no\nAuto-Submitted: no\n\n", "")]
    [InlineData("Auto-Submitted: no\nAuto-Submitted: auto-replied\n\n", "Auto-Submitted")]
    [InlineData("Precedence: first-class\nPrecedence: bulk\n\n", "Precedence")]
    [InlineData("Precedence: bulk\nPrecedence: first-class\n\n", "Precedence")]
    [InlineData("List-Unsubscribe:\nAuto-Submitted:\nPrecedence:\n\n", "")]
    [InlineData("List-Unsubscribe:  \n \nAuto-Submitted: \t\n\n", "")]
    [InlineData("List-Unsubscribe\n\n", "")]
    [InlineData("List-Unsubscribe:\n <mailto:u@list.example>\n\n", "List-Unsubscribe")]
    [InlineData("From sender Mon Jan  1 00:00:00 2002\nList-Unsubscribe: <x>\nPrecedence: list\n\n", "List-Unsubscribe+Precedence")]
    [InlineData("Auto-Submitted: no (vacation off); x=1\n\n", "")]
    [InlineData("Auto-Submitted: ;\n\n", "")]
    public void MarkersOf_ARawHeader_CountsEachOccurrence_AndIgnoresEmptyValues(string raw, string markers)
    {
        var (headers, error) = new HeaderBlockReader(Policy.MarkerHeaderNames.ToList()).Parse(System.Text.Encoding.ASCII.GetBytes(raw));

        Assert.Null(error);
        Assert.Equal(markers, string.Join("+", Policy.MarkersOf(headers!)));
    }

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
