using System.Text;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>Reads and writes the CRLF lines of SMTP and IMAP, unbuffered, so that a TLS upgrade can follow on the same stream.</summary>
internal static class ProtocolLines
{
    private const int MaxLine = 4096;

    // A reply of more lines is not a mail server's (Postfix's EHLO has about a dozen): the read ends, bounded in memory.
    private const int MaxReplyLines = 100;

    /// <summary>One line without its CRLF; null when the server closed the connection first.</summary>
    public static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < MaxLine)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            }

            line.Add(one[0]);
        }

        throw new PathCheckException($"a line longer than {MaxLine} bytes");
    }

    /// <summary>An SMTP reply, all its lines (<c>250-...</c> up to <c>250 ...</c>); null when the server closed first.</summary>
    public static async Task<IReadOnlyList<string>?> ReadSmtpReplyAsync(Stream stream, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(stream, cancellationToken);
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

    public static async Task WriteLineAsync(Stream stream, string line, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
