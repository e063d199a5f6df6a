using System.Text;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The one header parser of every backend: the Maildir file's first 64 KiB, doveadm's <c>hdr</c> field and IMAP's
/// <c>BODY.PEEK[HEADER]</c> all come here as bytes, so the three backends decide the same message the same way.
/// </summary>
/// <remarks>
/// It reads a header as Dovecot's own parser does (src/lib-mail/message-header-parser.c, 2.3 and 2.4), so that this
/// worker, Dovecot's searches and every IMAP client agree: a line ends at LF (a CR before it is dropped, a lone CR is an
/// ordinary byte); the header ends at the first empty line, or at the end of the data; a line that starts with a space
/// or tab continues the field before it; a line without a colon (a leading mbox <c>From sender date</c> line, binary
/// garbage) is a field without value and the next line is read as usual; white space before the colon is not part of
/// the name; names compare without regard to ASCII case. The one rule of ours: a header that has not ended within
/// <see cref="MaxHeaderBytes"/> is not read at all (an error: the message is kept), whichever backend saw it.
/// </remarks>
public sealed class HeaderBlockReader(IReadOnlyCollection<string> wanted)
{
    public const int MaxHeaderBytes = 64 * 1024;

    // Field names are compared as bytes: a string per header line of 100,000 messages is most of the work otherwise.
    private readonly (string Name, byte[] Ascii)[] wanted = wanted.Select(n => (n, Encoding.ASCII.GetBytes(n))).ToArray();

    /// <summary>Reads a raw message through a positional reader (the Maildir file; see <see cref="MaildirDirectory"/>): its first 64 KiB at most.</summary>
    public (MessageHeaders? Headers, string? Error) Read(Func<Span<byte>, long, int> readAt, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(readAt);
        ArgumentNullException.ThrowIfNull(buffer);
        var length = 0;
        while (length < MaxHeaderBytes)
        {
            var searchFrom = Math.Max(0, length - 2);
            var read = readAt(buffer.AsSpan(length, Math.Min(8192, MaxHeaderBytes - length)), length);
            if (read == 0)
            {
                return Parse(buffer.AsSpan(0, length), more: false);
            }

            length += read;
            if (EndOfHeader(buffer.AsSpan(0, length), searchFrom) >= 0)
            {
                break;
            }
        }

        // One more byte tells a header of exactly 64 KiB from a longer one.
        var data = buffer.AsSpan(0, length);
        return Parse(data, more: length == MaxHeaderBytes && EndOfHeader(data, 0) < 0 && readAt(new byte[1], length) > 0);
    }

    /// <summary>Reads a header as a server sent it (with or without the empty line that ends it, and perhaps the body after it).</summary>
    public (MessageHeaders? Headers, string? Error) Parse(ReadOnlySpan<byte> header) =>
        header.Length > MaxHeaderBytes ? Parse(header[..MaxHeaderBytes], more: true) : Parse(header, more: false);

    private (MessageHeaders? Headers, string? Error) Parse(ReadOnlySpan<byte> data, bool more)
    {
        var end = EndOfHeader(data, 0);
        if (end < 0 && more)
        {
            return (null, $"header larger than {MaxHeaderBytes / 1024} KiB (not read)");
        }

        var block = end < 0 ? data : data[..end];
        var headers = new MessageHeaders();
        string? name = null;
        StringBuilder? value = null;
        foreach (var range in block.Split((byte)'\n'))
        {
            var line = block[range];
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                // Unfolding (RFC 5322 2.2.3): the line break goes, the white space stays. A first line that starts with
                // white space is, to Dovecot, a field whose name starts with it: never one of ours.
                if (name is not null)
                {
                    value!.Append(Latin1(line));
                }

                continue;
            }

            Flush();
            var colon = line.IndexOf((byte)':');
            var fieldName = (colon < 0 ? line : line[..colon]).TrimEnd(" \t"u8);
            name = Wanted(fieldName);
            if (name is not null)
            {
                (value ??= new StringBuilder(64)).Clear().Append(colon < 0 ? "" : Latin1(line[(colon + 1)..]));
            }
        }

        Flush();
        return (headers, null);

        void Flush()
        {
            if (name is not null)
            {
                headers.Add(name, value!.ToString());
                name = null;
            }
        }
    }

    private string? Wanted(ReadOnlySpan<byte> fieldName)
    {
        foreach (var (name, ascii) in wanted)
        {
            if (Ascii.EqualsIgnoreCase(fieldName, ascii))
            {
                return name;
            }
        }

        return null;
    }

    // Header bytes beyond ASCII are not always UTF-8 (old mail, broken senders); Latin-1 never fails and the markers are ASCII.
    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Where the header ends: the index of the empty line (LF or CRLF at the start of a line), or -1.</summary>
    private static int EndOfHeader(ReadOnlySpan<byte> data, int from)
    {
        // An empty line at the very start: no header at all.
        if (data.Length > 0 && (data[0] == '\n' || (data.Length > 1 && data[0] == '\r' && data[1] == '\n')))
        {
            return 0;
        }

        for (var i = from; ; i++)
        {
            var next = data[i..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if ((i + 1 < data.Length && data[i + 1] == '\n') || (i + 2 < data.Length && data[i + 1] == '\r' && data[i + 2] == '\n'))
            {
                return i + 1;
            }
        }
    }
}
