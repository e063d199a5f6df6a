using System.Text;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.Shared.Tests.Mail;

/// <summary>What a server can make a MailKit client hold: a line, and a connection's worth.</summary>
public sealed class PeerReadLimitTests
{
    [Fact]
    public void ALine_IsCountedAcrossBlocks_AndEndsAtItsLineFeed()
    {
        var limit = new PeerReadLimit(maxSessionBytes: 1_000_000, maxLineBytes: 10);
        limit.LogServer(Bytes("abcdef"), 0, 6);
        limit.LogServer(Bytes("ghij\nklmnopqrs"), 0, 14);

        var e = Assert.Throws<PeerAnswerTooLargeException>(() => limit.LogServer(Bytes("tu"), 0, 2));

        Assert.Equal("answer line larger than 10 bytes", e.Message);
    }

    [Fact]
    public void AnOverlongLine_IsCaught_WhereItEnds_InTheBlockThatEndsIt()
    {
        var limit = new PeerReadLimit(maxSessionBytes: 1_000_000, maxLineBytes: 10);
        limit.LogServer(Bytes("abcdefgh"), 0, 8);

        Assert.Throws<PeerAnswerTooLargeException>(() => limit.LogServer(Bytes("ijkl\nshort\n"), 0, 11));
    }

    [Fact]
    public void ManyShortLines_PassTheLineLimit_UntilTheConnectionsLimit()
    {
        var limit = new PeerReadLimit(maxSessionBytes: 100, maxLineBytes: 10);
        var block = Bytes("* 1 OK\r\n* 2 OK\r\n");
        for (var i = 0; i < 6; i++)
        {
            limit.LogServer(block, 0, block.Length);
        }

        var e = Assert.Throws<PeerAnswerTooLargeException>(() => limit.LogServer(block, 0, block.Length));

        Assert.Equal("answer larger than 100 bytes (the limit of one connection)", e.Message);
        Assert.Equal(112, limit.SessionBytes);
    }

    [Fact]
    public void OnlyTheGivenRangeOfTheBuffer_Counts()
    {
        var limit = new PeerReadLimit(maxSessionBytes: 1_000_000, maxLineBytes: 4);
        var buffer = Bytes("xxxxxxxxab\ncdxxxxxxxx");

        limit.LogServer(buffer, 8, 5);

        Assert.Equal(5, limit.SessionBytes);
    }

    [Fact]
    public async Task AnUnterminatedLineInsideTls_IsCaughtAtTheLimit_NotBufferedWhole()
    {
        // The limit sits where MailKit sees the decrypted text: 8 MiB without a line feed after the handshake.
        var now = DateTimeOffset.UtcNow;
        var greeting = Encoding.ASCII.GetBytes("* OK " + new string('x', 8 * 1024 * 1024));
        await using var peer = TlsPeer.With("127.0.0.1", now.AddDays(-1), now.AddDays(30), greeting: greeting);

        var e = await Assert.ThrowsAsync<MailOperationException>(() => ImapSession.ConnectAsync(
            new ImapOptions { Host = "127.0.0.1", Port = peer.Port, Security = MailSecurity.SslOnConnect, Username = "u", Password = "p", Timeout = TimeSpan.FromSeconds(10) },
            new TlsOptions { CaFile = peer.CaFile },
            long.MaxValue,
            CancellationToken.None));

        Assert.Equal($"IMAP connect to 127.0.0.1:{peer.Port} (SslOnConnect): answer line larger than 1048576 bytes", e.Message);
    }

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);
}
