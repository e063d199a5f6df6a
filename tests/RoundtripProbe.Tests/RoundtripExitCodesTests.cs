using MailserverWorkers.Shared.Http;

namespace MailserverWorkers.RoundtripProbe.Tests;

public sealed class RoundtripExitCodesTests
{
    private static readonly DeliveryResult Delivered = new(DeliveryOutcome.Delivered, 1, null);
    private static readonly DeliveryResult Failed = new(DeliveryOutcome.Failed, 3, "HTTP 503");
    private static readonly DeliveryResult Off = DeliveryResult.NotConfigured;

    public static TheoryData<RoundtripOutcome, DeliveryResult, DeliveryResult, int> Matrix => new()
    {
        { RoundtripOutcome.Inbox, Delivered, Delivered, 0 },
        { RoundtripOutcome.Inbox, Failed, Delivered, 0 },
        { RoundtripOutcome.Inbox, Delivered, Failed, 0 },
        { RoundtripOutcome.Inbox, Failed, Failed, 1 },
        { RoundtripOutcome.Inbox, Failed, Off, 1 },
        { RoundtripOutcome.Inbox, Off, Off, 0 },
        { RoundtripOutcome.Junk, Delivered, Delivered, 3 },
        { RoundtripOutcome.Junk, Failed, Failed, 1 },
        { RoundtripOutcome.Failed, Delivered, Delivered, 1 },
        { RoundtripOutcome.Failed, Off, Off, 1 },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void For_FollowsTheDocumentedMatrix(RoundtripOutcome outcome, DeliveryResult pushgateway, DeliveryResult kuma, int expected) =>
        Assert.Equal(expected, RoundtripExitCodes.For(outcome, pushgateway, kuma));
}
