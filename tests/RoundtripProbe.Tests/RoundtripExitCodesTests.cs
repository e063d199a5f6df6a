namespace MailserverWorkers.RoundtripProbe.Tests;

public sealed class RoundtripExitCodesTests
{
    [Theory]
    [InlineData(RoundtripOutcome.Inbox, 0)]
    [InlineData(RoundtripOutcome.Junk, 3)]
    [InlineData(RoundtripOutcome.Failed, 1)]
    public void For_FollowsTheDocumentedCodes(RoundtripOutcome outcome, int expected) =>
        Assert.Equal(expected, RoundtripExitCodes.For(outcome));
}
