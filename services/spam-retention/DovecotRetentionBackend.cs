using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The mailbox through doveadm: one <c>fetch</c> of uid, received time, size and the marker headers (JSON), and
/// <c>expunge ... uid &lt;set&gt; before &lt;cutoff&gt;</c>, so Dovecot itself re-checks the age at the moment it
/// deletes and its index stays consistent. What is gone is then read back, so a stream lost mid-expunge never leaves
/// the counts wrong. Only doveadm is needed in the pod.
/// </summary>
public sealed class DovecotRetentionBackend(Doveadm doveadm, IOptions<RetentionOptions> options) : IRetentionBackend
{
    private const int VerifyAttempts = 3;
    private static readonly string[] FixedFields = ["uid", "date.received.unixtime", "size.physical"];

    private RetentionOptions Retention => options.Value;

    public string Describe() => $"doveadm ({doveadm.Where}), mailbox {Retention.Mailbox} of {Retention.User}";

    public async Task<IReadOnlyList<MailboxMessage>> ScanAsync(IReadOnlyList<string> headerNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headerNames);
        var fields = string.Join(' ', FixedFields.Concat(headerNames.Select(h => "hdr." + h.ToLowerInvariant())));
        return await doveadm.RunAsync(
            ["-f", "json", "fetch", "-u", Retention.User!, fields, "mailbox", Retention.Mailbox, "all"],
            async (stdout, ct) =>
            {
                var messages = new List<MailboxMessage>();
                await foreach (var row in Rows(stdout, ct))
                {
                    var headers = new MessageHeaders();
                    foreach (var name in headerNames)
                    {
                        if (row.TryGetValue("hdr." + name.ToLowerInvariant(), out var value) && value.Length > 0)
                        {
                            headers.Add(name, value);
                        }
                    }

                    messages.Add(new MailboxMessage(
                        row["uid"],
                        DateTimeOffset.FromUnixTimeSeconds(long.Parse(row["date.received.unixtime"], CultureInfo.InvariantCulture)),
                        long.Parse(row["size.physical"], CultureInfo.InvariantCulture),
                        headers,
                        null));
                }

                return (IReadOnlyList<MailboxMessage>)messages;
            },
            cancellationToken);
    }

    public async Task<DeleteResult> DeleteAsync(IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var uids = messages.Select(m => long.Parse(m.Id, CultureInfo.InvariantCulture)).ToList();
        string? error = null;
        foreach (var set in Doveadm.UidSets(uids))
        {
            try
            {
                await doveadm.RunAsync(
                    ["expunge", "-u", Retention.User!, "mailbox", Retention.Mailbox, "uid", set, "before", cutoff.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
                    cancellationToken);
            }
            catch (RetentionFailedException e)
            {
                error = e.Message;
                break;
            }
        }

        var remaining = await RemainingAsync(uids, cancellationToken);
        var gone = uids.Where(u => !remaining.Contains(u)).Select(u => u.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        return new DeleteResult(gone, error);
    }

    public Task FinishAsync(bool deletedAny, CancellationToken cancellationToken) => Task.CompletedTask;

    // Reading is idempotent, so unlike the expunge it is retried: the counts depend on it.
    private async Task<HashSet<long>> RemainingAsync(List<long> uids, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var remaining = new HashSet<long>();
                foreach (var set in Doveadm.UidSets(uids))
                {
                    await doveadm.RunAsync(
                        ["-f", "json", "fetch", "-u", Retention.User!, "uid", "mailbox", Retention.Mailbox, "uid", set],
                        async (stdout, ct) =>
                        {
                            await foreach (var row in Rows(stdout, ct))
                            {
                                remaining.Add(long.Parse(row["uid"], CultureInfo.InvariantCulture));
                            }

                            return true;
                        },
                        cancellationToken);
                }

                return remaining;
            }
            catch (RetentionFailedException e) when (attempt < VerifyAttempts)
            {
                _ = e;
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (RetentionFailedException e)
            {
                throw new RetentionFailedException($"could not read back which messages are gone, so the deleted count is unknown: {e.Message}", e);
            }
        }
    }

    private static async IAsyncEnumerable<Dictionary<string, string>> Rows(Stream stdout, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // doveadm writes header bytes as they are; invalid UTF-8 becomes U+FFFD here instead of failing the whole parse.
        await using var utf8 = Encoding.CreateTranscodingStream(stdout, Encoding.UTF8, Encoding.UTF8, leaveOpen: true);
        IAsyncEnumerable<Dictionary<string, string>?> rows;
        try
        {
            rows = JsonSerializer.DeserializeAsyncEnumerable<Dictionary<string, string>>(utf8, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new RetentionFailedException($"doveadm's JSON could not be read: {e.Message}", e);
        }

        await foreach (var row in rows)
        {
            if (row is not null)
            {
                yield return row;
            }
        }
    }
}
