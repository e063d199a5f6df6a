using System.Text;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// Reads the header of a raw message (a Maildir file): at most the first 64 KiB, up to the first empty line, keeping
/// only the fields asked for. Anything that is not a header (binary garbage, an empty file, a header running past
/// 64 KiB) is unparsable, and retention keeps unparsable mail.
/// </summary>
public sealed class HeaderBlockReader(IReadOnlyCollection<string> wanted)
{
    public const int MaxHeaderBytes = 64 * 1024;

    // Field names are compared as bytes: a string per header line of 100,000 messages is most of the work otherwise.
    private readonly (string Name, byte[] Ascii)[] wanted = wanted.Select(n => (n, Encoding.ASCII.GetBytes(n))).ToArray();

    /// <summary>Reads the header from a stream positioned at the message's start.</summary>
    public (MessageHeaders? Headers, string? Error) Read(Stream stream, byte[] buffer) =>
        Read((destination, _) => stream.Read(destination), buffer);

    /// <summary>Reads the header through a positional reader (see <see cref="NoFollowFile"/>); synchronous, as small files are cheapest read.</summary>
    public (MessageHeaders? Headers, string? Error) Read(Func<Span<byte>, long, int> readAt, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(readAt);
        ArgumentNullException.ThrowIfNull(buffer);
        var length = 0;
        var end = -1;
        var eof = false;
        while (end < 0 && length < MaxHeaderBytes)
        {
            var read = readAt(buffer.AsSpan(length, Math.Min(8192, MaxHeaderBytes - length)), length);
            if (read == 0)
            {
                eof = true;
                break;
            }

            var searchFrom = Math.Max(0, length - 3);
            length += read;
            end = EndOfHeader(buffer.AsSpan(searchFrom, length - searchFrom));
            end = end < 0 ? -1 : end + searchFrom;
        }

        return Finish(buffer, length, end, eof);
    }

    private (MessageHeaders? Headers, string? Error) Finish(byte[] buffer, int length, int end, bool eof)
    {
        if (length == 0)
        {
            return (null, "empty file");
        }

        if (end < 0 && !eof)
        {
            return (null, $"no end of header within {MaxHeaderBytes / 1024} KiB");
        }

        return Parse(buffer.AsSpan(0, end < 0 ? length : end));
    }

    /// <summary>Parses a complete header block (without the empty line).</summary>
    public (MessageHeaders? Headers, string? Error) Parse(ReadOnlySpan<byte> block)
    {
        var headers = new MessageHeaders();
        string? name = null;
        StringBuilder? value = null;
        var lineNumber = 0;
        foreach (var rawLine in block.Split((byte)'\n'))
        {
            var line = block[rawLine];
            lineNumber++;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.Length == 0)
            {
                break;
            }

            if (line[0] == ' ' || line[0] == '\t')
            {
                if (lineNumber == 1)
                {
                    return (null, "header starts with a continuation line");
                }

                if (name is not null)
                {
                    value!.Append(Latin1(line));
                }

                continue;
            }

            Flush();
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsFieldName(line[..colon]))
            {
                return (null, $"line {lineNumber} is not a header field");
            }

            name = Wanted(line[..colon]);
            if (name is not null)
            {
                (value ??= new StringBuilder(64)).Clear().Append(Latin1(line[(colon + 1)..]));
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
            if (System.Text.Ascii.EqualsIgnoreCase(fieldName, ascii))
            {
                return name;
            }
        }

        return null;
    }

    // Header bytes beyond ASCII are not always UTF-8 (old mail, broken senders); Latin-1 never fails and the markers are ASCII.
    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (b < 33 || b > 126)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Index of the empty line that ends the header (\n\n or \n\r\n), or -1.</summary>
    private static int EndOfHeader(ReadOnlySpan<byte> data)
    {
        for (var i = data.IndexOf((byte)'\n'); i >= 0 && i < data.Length - 1; i = NextNewline(data, i))
        {
            if (data[i + 1] == '\n')
            {
                return i;
            }

            if (data[i + 1] == '\r' && i + 2 < data.Length && data[i + 2] == '\n')
            {
                return i;
            }
        }

        return -1;

        static int NextNewline(ReadOnlySpan<byte> d, int from)
        {
            var next = d[(from + 1)..].IndexOf((byte)'\n');
            return next < 0 ? -1 : from + 1 + next;
        }
    }
}
