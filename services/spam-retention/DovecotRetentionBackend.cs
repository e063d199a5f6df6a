using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The mailbox through doveadm. The folder is named once, exactly (<c>mailbox status</c> of its name), and from then
/// on addressed by its GUID, so no pattern and no rename can widen a deletion. A scan lists the UIDs (no message is
/// read for that), then fetches uid, received time, size and the whole header (<c>hdr</c>) in batches; a row is used
/// only when its invocation reported no error and it carries the user, the mailbox GUID and a UID of the batch, and a
/// batch that fails is narrowed down to the one message behind it (<see cref="FailureIsolation"/>). Deletion is
/// <c>expunge -u user mailbox-guid G uid &lt;set&gt; before &lt;cutoff&gt;</c>: Dovecot itself re-checks the age at the
/// moment it deletes and its index stays consistent. What is gone is then read back. Only doveadm is needed in the pod.
/// </summary>
public sealed partial class DovecotRetentionBackend(Doveadm doveadm, IOptions<RetentionOptions> options) : IRetentionBackend
{
    // A UID set of 1,000 UIDs stays a few KB long even when sparse: one command line, one exec request.
    private const int BatchSize = 1000;
    private const int VerifyAttempts = 3;
    private const string FetchFields = "user mailbox-guid uid date.received.unixtime size.physical hdr";

    private RetentionOptions Retention => options.Value;

    private string User => Retention.User!;

    public string Describe() => $"doveadm ({doveadm.Where}), mailbox {Retention.Mailbox} of {User}";

    public async Task<MailboxScan> ScanAsync(IReadOnlyList<string> headerNames, Action<MailboxMessage> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headerNames);
        ArgumentNullException.ThrowIfNull(onMessage);
        var folder = await StatusAsync(cancellationToken);
        // The user as Dovecot names it (its userdb may rewrite the name it was given): every row must carry this one.
        var (owner, uids) = await doveadm.RunAsync(
            ["-f", "json", "fetch", "-u", User, "user uid", "mailbox-guid", folder.Guid, "all"],
            async (stdout, ct) =>
            {
                var users = new HashSet<string>(StringComparer.Ordinal);
                var list = new List<long>();
                await foreach (var row in Rows(stdout, ct))
                {
                    users.Add(row.GetValueOrDefault("user") ?? "");
                    list.Add(Uid(row));
                }

                return users.Count <= 1 ? (users.FirstOrDefault(), list) : throw new InvalidDataException($"rows of {users.Count} users, not one");
            },
            cancellationToken);
        var reader = new HeaderBlockReader(headerNames.ToList());
        await FailureIsolation.RunAsync(
            uids,
            BatchSize,
            async (batch, ct) =>
            {
                var wanted = batch.ToHashSet();
                var outcome = await doveadm.TryRunAsync(
                    ["-f", "json", "fetch", "-u", User, FetchFields, "mailbox-guid", folder.Guid, "uid", string.Join(',', Doveadm.UidSets(batch, int.MaxValue))],
                    (stdout, readCt) => ReadBatchAsync(stdout, owner!, folder.Guid, wanted, reader, readCt),
                    ct);
                if (outcome.Problem is not null)
                {
                    return outcome.Problem;
                }

                outcome.Output!.ForEach(onMessage);
                return null;
            },
            (uid, error) => onMessage(new MailboxMessage(uid.ToString(CultureInfo.InvariantCulture), DateTimeOffset.MaxValue, 0, null, error)),
            cancellationToken);
        return new MailboxScan(folder.Identity);
    }

    public async Task<DeleteResult> DeleteAsync(MailboxScan scan, IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(messages);
        var uids = messages.Select(m => long.Parse(m.Id, CultureInfo.InvariantCulture)).ToList();
        var folder = await StatusAsync(cancellationToken);
        if (folder.Identity != scan.Identity)
        {
            return new DeleteResult(new HashSet<string>(), $"mailbox {Retention.Mailbox} changed since it was read ({scan.Identity}, now {folder.Identity}): its UIDs may name other messages, nothing was deleted");
        }

        string? error = null;
        foreach (var set in Doveadm.UidSets(uids))
        {
            try
            {
                await doveadm.RunAsync(
                    ["expunge", "-u", User, "mailbox-guid", folder.Guid, "uid", set, "before", cutoff.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
                    cancellationToken);
            }
            catch (RetentionFailedException e)
            {
                error = e.Message;
                break;
            }
        }

        var remaining = await RemainingAsync(folder.Guid, uids, cancellationToken);
        var gone = uids.Where(u => !remaining.Contains(u)).Select(u => u.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        return new DeleteResult(gone, error);
    }

    public Task CheckAsync(CancellationToken cancellationToken) => StatusAsync(cancellationToken);

    public Task FinishAsync(bool deletedAny, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The folder by its exact name: its GUID and UIDVALIDITY (doveadm exits 68 when there is no such folder).</summary>
    private async Task<(string Guid, string Identity)> StatusAsync(CancellationToken cancellationToken)
    {
        var rows = await doveadm.RunAsync(
            ["-f", "json", "mailbox", "status", "-u", User, "guid uidvalidity", Retention.Mailbox],
            async (stdout, ct) =>
            {
                var list = new List<Dictionary<string, string>>();
                await foreach (var row in Rows(stdout, ct))
                {
                    list.Add(row);
                }

                return list;
            },
            cancellationToken);
        // The name holds no pattern (RetentionScope), so one row, of this mailbox, is all doveadm may answer.
        if (rows is not [var row] || !SameMailbox(row.GetValueOrDefault("mailbox"), Retention.Mailbox) ||
            row.GetValueOrDefault("guid") is not { Length: 32 } guid || !guid.All(char.IsAsciiHexDigit) ||
            row.GetValueOrDefault("uidvalidity") is not { Length: > 0 } uidValidity)
        {
            throw new RetentionFailedException($"doveadm mailbox status of {Retention.Mailbox} answered {rows.Count} row(s), not exactly this mailbox with its GUID: nothing is read or deleted");
        }

        return (guid, $"mailbox GUID {guid}, UIDVALIDITY {uidValidity}");
    }

    // Each row must prove it belongs to this batch: the user, the mailbox GUID and a UID asked for, once.
    private static async Task<List<MailboxMessage>> ReadBatchAsync(Stream stdout, string owner, string guid, HashSet<long> wanted, HeaderBlockReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<MailboxMessage>(wanted.Count);
        var seen = new HashSet<long>();
        await foreach (var row in Rows(stdout, cancellationToken))
        {
            var uid = Uid(row);
            if (row.GetValueOrDefault("user") != owner || row.GetValueOrDefault("mailbox-guid") != guid || !wanted.Contains(uid) || !seen.Add(uid))
            {
                throw new InvalidDataException($"a row that is not one of this batch (uid {row.GetValueOrDefault("uid")}, mailbox-guid {row.GetValueOrDefault("mailbox-guid")})");
            }

            // doveadm prints header bytes as they are; invalid UTF-8 arrives as U+FFFD, which no marker contains.
            var (headers, error) = reader.Parse(Encoding.UTF8.GetBytes(row["hdr"]));
            messages.Add(new MailboxMessage(
                uid.ToString(CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeSeconds(long.Parse(row["date.received.unixtime"], NumberStyles.None, CultureInfo.InvariantCulture)),
                long.Parse(row["size.physical"], NumberStyles.None, CultureInfo.InvariantCulture),
                headers,
                error));
        }

        return messages;
    }

    // Reading is idempotent, so unlike the expunge it is retried: the counts depend on it.
    private async Task<HashSet<long>> RemainingAsync(string guid, List<long> uids, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var remaining = new HashSet<long>();
                foreach (var set in Doveadm.UidSets(uids))
                {
                    await doveadm.RunAsync(
                        ["-f", "json", "fetch", "-u", User, "uid", "mailbox-guid", guid, "uid", set],
                        async (stdout, ct) =>
                        {
                            await foreach (var row in Rows(stdout, ct))
                            {
                                remaining.Add(Uid(row));
                            }

                            return true;
                        },
                        cancellationToken);
                }

                return remaining;
            }
            catch (RetentionFailedException) when (attempt < VerifyAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
            catch (RetentionFailedException e)
            {
                throw new RetentionFailedException($"could not read back which messages are gone, so the deleted count is unknown: {e.Message}", e);
            }
        }
    }

    // INBOX is the one name IMAP compares without regard to case (RFC 3501 5.1); doveadm answers it as "INBOX".
    private static bool SameMailbox(string? answered, string configured) =>
        answered == configured || (configured.Equals("INBOX", StringComparison.OrdinalIgnoreCase) && answered == "INBOX");

    private static long Uid(Dictionary<string, string> row) =>
        row.TryGetValue("uid", out var uid) ? long.Parse(uid, NumberStyles.None, CultureInfo.InvariantCulture) : throw new InvalidDataException("a row without uid");

    private static async IAsyncEnumerable<Dictionary<string, string>> Rows(Stream stdout, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // doveadm writes header bytes as they are; invalid UTF-8 becomes U+FFFD here instead of failing the whole parse.
        await using var utf8 = Encoding.CreateTranscodingStream(stdout, Encoding.UTF8, Encoding.UTF8, leaveOpen: true);
        await foreach (var row in JsonSerializer.DeserializeAsyncEnumerable(utf8, RowJson.Default.DictionaryStringString, cancellationToken))
        {
            yield return row ?? throw new InvalidDataException("a null row");
        }
    }

    // Source-generated (a native binary has no reflection serializer).
    [JsonSerializable(typeof(Dictionary<string, string>))]
    private sealed partial class RowJson : JsonSerializerContext;
}
