using System.Buffers;
using System.Text.Json;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// Reads <c>postqueue -j</c> (Postfix 3.1+: one JSON object per message and line, postqueue(1)) as it streams: one
/// line at a time in a buffer that grows only for a line longer than it, so a queue of any length is read in bounded
/// memory. An entry that is not whole (output cut short, a line that is not JSON, a field missing) is an error for
/// the source, never a smaller count.
/// </summary>
public static class PostqueueReader
{
    /// <summary>One entry's limit: a message with tens of thousands of recipients and their delay reasons.</summary>
    public const int MaxEntryBytes = 16 << 20;

    public static async Task<QueueFigures> ReadAsync(Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var figures = new QueueFigures();
        var buffer = ArrayPool<byte>.Shared.Rent(64 << 10);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= MaxEntryBytes)
                    {
                        throw new InvalidDataException($"a queue entry longer than {MaxEntryBytes >> 20} MiB");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxEntryBytes));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await output.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                var searchFrom = filled;
                filled += read;
                var start = 0;
                int newline;
                while ((newline = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf((byte)'\n')) >= 0)
                {
                    var end = searchFrom + newline;
                    ReadEntry(buffer.AsSpan(start, end - start), figures);
                    start = searchFrom = end + 1;
                }

                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }

            if (buffer.AsSpan(0, filled).Trim(" \t\r"u8).Length > 0)
            {
                throw new InvalidDataException("the output ends inside a queue entry (cut short)");
            }

            return figures;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One line: <c>{"queue_name": ..., "arrival_time": ..., "message_size": ..., "recipients": [{"address", "delay_reason"}]}</c>.</summary>
    internal static void ReadEntry(ReadOnlySpan<byte> line, QueueFigures figures)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return;
        }

        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        Expect(ref reader, JsonTokenType.StartObject);
        string? queue = null;
        long? arrival = null, size = null;
        var domains = new List<(string Domain, string Status)>();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("queue_name"u8))
            {
                Expect(ref reader, JsonTokenType.String);
                queue = reader.GetString();
            }
            else if (reader.ValueTextEquals("arrival_time"u8))
            {
                Expect(ref reader, JsonTokenType.Number);
                arrival = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("message_size"u8))
            {
                Expect(ref reader, JsonTokenType.Number);
                size = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("recipients"u8))
            {
                ReadRecipients(ref reader, domains);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || Next(ref reader) != JsonTokenType.None)
        {
            throw new InvalidDataException("a queue entry that is not one JSON object");
        }

        if (queue is null || arrival is null || size is null)
        {
            throw new InvalidDataException($"a queue entry without {(queue is null ? "queue_name" : arrival is null ? "arrival_time" : "message_size")}");
        }

        if (queue.Length is 0 or > 32 || !queue.All(char.IsAsciiLetterLower))
        {
            throw new InvalidDataException("a queue entry whose queue_name is not a queue's name");
        }

        figures.AddMessage(queue, arrival.Value, size.Value);
        if (queue == "deferred")
        {
            foreach (var (domain, status) in domains)
            {
                figures.AddDeferredRecipient(domain, status);
            }
        }
    }

    private static void ReadRecipients(ref Utf8JsonReader reader, List<(string Domain, string Status)> domains)
    {
        Expect(ref reader, JsonTokenType.StartArray);
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            string? address = null, reason = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("address"u8))
                {
                    Expect(ref reader, JsonTokenType.String);
                    address = reader.GetString();
                }
                else if (reader.ValueTextEquals("delay_reason"u8))
                {
                    Expect(ref reader, JsonTokenType.String);
                    reason = reader.GetString();
                }
                else
                {
                    Next(ref reader);
                    reader.Skip();
                }
            }

            domains.Add((Domain(address ?? throw new InvalidDataException("a recipient without address")), DelayReason.Classify(reason)));
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new InvalidDataException("recipients that are not a list of objects");
        }
    }

    /// <summary>The address's domain in lower case, bounded as a label: <c>(none)</c> without one.</summary>
    internal static string Domain(string address)
    {
        var at = address.LastIndexOf('@');
        var domain = at < 0 ? "" : address[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();
        return domain.Length == 0 ? "(none)" : domain.Length > 253 ? domain[..253] : domain;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : JsonTokenType.None;

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw new InvalidDataException($"a queue entry with {reader.TokenType} where {type} belongs");
        }
    }
}
