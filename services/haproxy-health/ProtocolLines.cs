using System.Text;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// Reads the CRLF lines of SMTP and IMAP from one stream, a read of whatever has arrived at a time (a line read a
/// byte at a time had cost an await per byte, about 2 ms of a 30-byte greeting on a loaded loopback), and writes them.
/// Before a TLS upgrade the reader must hold nothing the server sent after its reply (<see cref="HasUnread"/>):
/// such bytes would be read as if they came through TLS (RFC 3207, section 4.2).
/// </summary>
internal sealed class ProtocolLines(Stream stream)
{
    private const int MaxLine = 4096;

    // A reply of more lines is not a mail server's (Postfix's EHLO has about a dozen): the read ends, bounded in memory.
    private const int MaxReplyLines = 100;

    private readonly byte[] buffer = new byte[MaxLine];
    private int start;
    private int end;

    /// <summary>Bytes the server sent that no line has taken yet.</summary>
    public bool HasUnread => end > start;

    /// <summary>One line without its CRLF; null when the server closed the connection first. <paramref name="firstByte"/> is called as its first byte arrives.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken, Action? firstByte = null)
    {
        if (HasUnread)
        {
            firstByte?.Invoke();
            firstByte = null;
        }

        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(buffer, start, newline - start).TrimEnd('\r');
                start = newline + 1;
                return line;
            }

            if (end - start >= MaxLine)
            {
                throw new PathCheckException($"a line longer than {MaxLine} bytes");
            }

            if (start > 0)
            {
                Array.Copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
            {
                return end == start ? null : Encoding.ASCII.GetString(buffer, start, end - start);
            }

            firstByte?.Invoke();
            firstByte = null;
            end += read;
        }
    }

    /// <summary>An SMTP reply, all its lines (<c>250-...</c> up to <c>250 ...</c>); null when the server closed first.</summary>
    public async Task<IReadOnlyList<string>?> ReadSmtpReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return lines.Count == 0 ? null : throw new PathCheckException("the server closed the connection in the middle of a reply");
            }

            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return lines;
            }

            if (lines.Count == MaxReplyLines)
            {
                throw new PathCheckException($"a reply longer than {MaxReplyLines} lines");
            }
        }
    }

    public async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
