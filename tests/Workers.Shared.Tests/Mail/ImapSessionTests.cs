using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.Shared.Tests.Mail;

/// <summary>A TLS failure names its cause: certificates made by the test, served by a loopback peer.</summary>
public sealed class ImapSessionTests
{
    private static Task Connect(TlsPeer peer) => ImapSession.ConnectAsync(
        new ImapOptions { Host = "127.0.0.1", Port = peer.Port, Security = MailSecurity.SslOnConnect, Username = "u", Password = "p", Timeout = TimeSpan.FromSeconds(2) },
        new TlsOptions { CaFile = peer.CaFile },
        long.MaxValue,
        CancellationToken.None);

    [Theory]
    [InlineData("expired", "TLS handshake failed: the certificate expired on ")]
    [InlineData("wrong name", "TLS handshake failed: the certificate is for other.example.test, not 127.0.0.1")]
    [InlineData("other CA", "TLS handshake failed: the certificate is issued by CN=another test CA, not by a CA in Tls__CaFile")]
    [InlineData("not yet valid", "TLS handshake failed: the certificate is not valid before ")]
    [InlineData("stalled", "no answer within 2s (timed out)")]
    [InlineData("good", "IMAP login as u at 127.0.0.1:")]
    public async Task AFailedConnect_SaysWhatFailed(string certificate, string expected)
    {
        var now = DateTimeOffset.UtcNow;
        await using var peer = certificate switch
        {
            "expired" => TlsPeer.With("127.0.0.1", now.AddDays(-30), now.AddDays(-1)),
            "wrong name" => TlsPeer.With("other.example.test", now.AddDays(-1), now.AddDays(30)),
            "other CA" => TlsPeer.With("127.0.0.1", now.AddDays(-1), now.AddDays(30), otherCa: true),
            "not yet valid" => TlsPeer.With("127.0.0.1", now.AddDays(10), now.AddDays(30)),
            "stalled" => TlsPeer.Silent(),
            _ => TlsPeer.With("127.0.0.1", now.AddDays(-1), now.AddDays(30)),
        };

        var e = await Assert.ThrowsAsync<MailOperationException>(() => Connect(peer));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
        Assert.DoesNotContain(certificate is "stalled" or "good" ? "certificate" : "not trusted (set Tls__CaFile", e.Message, StringComparison.Ordinal);
    }
}
