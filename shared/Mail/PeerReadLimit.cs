using MailKit;

namespace MailserverWorkers.Shared.Mail;

/// <summary>
/// Bounds what a mail server can make a MailKit client hold: a line (the bytes between two line feeds) and a
/// session. Without it an unterminated 64 MiB IMAP line took the probe to 204 MiB and a 256 MiB SMTP line to 597 MiB.
/// MailKit 4.18 hands every block it reads from the server to its <see cref="IProtocolLogger"/>, after TLS and before
/// parsing (<c>ImapStream</c>/<c>SmtpStream.ReadAheadAsync</c>), and an exception thrown there marks the client
/// disconnected and reaches the caller: the one place that sees the plain text of implicit TLS and of STARTTLS alike.
/// Nothing is logged here; the client's own writes are not looked at (they may carry the password).
/// </summary>
public sealed class PeerReadLimit : IProtocolLogger
{
    /// <summary>A line longer than this is not a mail server's answer: far above the 1,000 octets of RFC 5321 and any header line.</summary>
    public const int DefaultMaxLineBytes = 1024 * 1024;

    private readonly int maxLineBytes;
    private readonly long maxSessionBytes;
    private int line;
    private long session;

    /// <summary>A limit of <paramref name="maxLineBytes"/> per line and <paramref name="maxSessionBytes"/> per connection.</summary>
    public PeerReadLimit(long maxSessionBytes, int maxLineBytes = DefaultMaxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSessionBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLineBytes);
        this.maxSessionBytes = maxSessionBytes;
        this.maxLineBytes = maxLineBytes;
    }

    /// <summary>Bytes read from the server so far.</summary>
    public long SessionBytes => session;

    /// <inheritdoc />
    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <inheritdoc />
    public void LogConnect(Uri uri)
    {
    }

    /// <inheritdoc />
    public void LogClient(byte[] buffer, int offset, int count)
    {
    }

    /// <inheritdoc />
    public void LogServer(byte[] buffer, int offset, int count)
    {
        var block = buffer.AsSpan(offset, count);
        var first = block.IndexOf((byte)'\n');
        // Runs between two feeds inside one block are shorter than the block (MailKit reads at most 4 KiB at a time).
        // The line is checked first: the more precise cause when both limits are crossed at once.
        if ((first < 0 ? (long)line + count : (long)line + first) > maxLineBytes)
        {
            throw new PeerAnswerTooLargeException($"answer line larger than {maxLineBytes} bytes");
        }

        line = first < 0 ? line + count : count - block.LastIndexOf((byte)'\n') - 1;
        session += count;
        if (session > maxSessionBytes)
        {
            throw new PeerAnswerTooLargeException($"answer larger than {maxSessionBytes} bytes (the limit of one connection)");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
