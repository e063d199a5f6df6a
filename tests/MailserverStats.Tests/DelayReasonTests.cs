namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>delay_reason texts as Postfix 3.7 writes them, each to the status it stands for, never to free text.</summary>
public sealed class DelayReasonTests
{
    [Theory]
    [InlineData("connect to 127.0.0.1[127.0.0.1]:2599: Connection refused", "4.4.1")]
    [InlineData("delivery temporarily suspended: connect to 127.0.0.1[127.0.0.1]:2599: Connection refused", "4.4.1")]
    [InlineData("connect to mx.example.org[10.4.5.6]:25: Connection timed out", "4.4.1")]
    [InlineData("Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found, try again", "4.4.3")]
    [InlineData("lost connection with mx.example.org[192.0.2.1] while receiving the initial server greeting", "4.4.2")]
    [InlineData("conversation with mx.example.org[192.0.2.1] timed out while sending end of data -- message may be sent more than once", "4.4.2")]
    [InlineData("host mx.example.org[192.0.2.1] said: 450 4.2.0 <a@example.org>: Recipient address rejected: Greylisted (in reply to RCPT TO command)", "4.2.0")]
    [InlineData("host mx.example.org[192.0.2.1] said: 421 Service not available (in reply to end of DATA command)", "4.0.0")]
    [InlineData("Cannot start TLS: handshake failure", "4.7.5")]
    [InlineData("mail transport unavailable", "4.3.0")]
    [InlineData("something Postfix never wrote", DelayReason.Unknown)]
    [InlineData("", DelayReason.Unknown)]
    [InlineData(null, DelayReason.Unknown)]
    public void AReason_IsItsStatus(string? reason, string status) =>
        Assert.Equal(status, DelayReason.Classify(reason));
}
