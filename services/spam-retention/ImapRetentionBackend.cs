using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The mailbox over IMAP, logged in as its owner (or a Dovecot master user, <c>spam@example.test*admin</c>). The scan
/// lists the UIDs (<c>UID SEARCH ALL</c>), fetches INTERNALDATE and RFC822.SIZE in batches and each message's raw
/// header (<c>BODY.PEEK[HEADER]&lt;0.65537&gt;</c>: MimeKit's own parser throws on a leading mbox <c>From </c> line, so
/// the bytes go to <see cref="HeaderBlockReader"/> as the other backends' do). Dovecot answers a FETCH that touches a
/// message it cannot read with <c>NO</c> and hangs up (2.3.19), so a failed batch is narrowed down to that message on
/// a new connection (<see cref="FailureIsolation"/>). Deletion is <c>STORE +FLAGS (\Deleted)</c> and <c>UID EXPUNGE</c>
/// (UIDPLUS) of exactly the chosen UIDs, after their INTERNALDATE is read again and the folder's UIDVALIDITY is checked
/// against the scan's. Without UIDPLUS it refuses to expunge: a plain EXPUNGE would take any \Deleted mail.
/// </summary>
public sealed class ImapRetentionBackend(IOptions<ImapOptions> imapOptions, IOptions<TlsOptions> tlsOptions, IOptions<RetentionOptions> options)
    : IRetentionBackend
{
    private const int BatchSize = 250;

    // One session reads the headers of the whole mailbox (up to 64 KiB each): its size follows the mailbox, not the
    // server's whim; only the line limit applies.
    private const long AnySessionSize = long.MaxValue;

    private ImapOptions Imap => imapOptions.Value;

    private string Mailbox => options.Value.Mailbox;

    public string Describe() => $"IMAP {Imap.Host}:{Imap.Port}, mailbox {Mailbox} of {Imap.Username}";

    public async Task<MailboxScan> ScanAsync(IReadOnlyList<string> headerNames, Action<MailboxMessage> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        var reader = new HeaderBlockReader(headerNames.ToList());
        ImapClient? client = null;
        try
        {
            client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, AnySessionSize, cancellationToken);
            var folder = await OpenAsync(client, FolderAccess.ReadOnly, cancellationToken);
            var identity = Identity(folder);
            var uids = await Bounded("IMAP UID SEARCH ALL", ct => folder.SearchAsync(SearchQuery.All, ct), cancellationToken);
            await FailureIsolation.RunAsync<UniqueId>(
                [.. uids],
                BatchSize,
                async (batch, ct) =>
                {
                    // A connection that cannot be had again stops the scan: that is the server, not a message.
                    if (client is not { IsConnected: true })
                    {
                        client?.Dispose();
                        client = null;
                        client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, AnySessionSize, ct);
                        folder = await OpenAsync(client, FolderAccess.ReadOnly, ct);
                        if (Identity(folder) != identity)
                        {
                            throw new RetentionFailedException($"mailbox {Mailbox} changed while it was read ({identity}, now {Identity(folder)})");
                        }
                    }

                    try
                    {
                        (await ReadBatchAsync(folder, batch, reader, ct)).ForEach(onMessage);
                        return null;
                    }
                    catch (MailOperationException e) when (e.InnerException is ImapCommandException or ProtocolException or FormatException)
                    {
                        // MailKit may be left mid-response: only a new connection is trusted after a failure.
                        client.Dispose();
                        client = null;
                        return e.Message;
                    }
                },
                (uid, error) => onMessage(new MailboxMessage(uid.Id.ToString(CultureInfo.InvariantCulture), DateTimeOffset.MaxValue, 0, null, error)),
                cancellationToken);
            if (client is { IsConnected: true })
            {
                await Bounded("IMAP LOGOUT", ct => client.DisconnectAsync(true, ct), cancellationToken);
            }

            return new MailboxScan(identity);
        }
        catch (MailOperationException e)
        {
            throw new RetentionFailedException(e.Message, e);
        }
        finally
        {
            client?.Dispose();
        }
    }

    public async Task<DeleteResult> DeleteAsync(MailboxScan scan, IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(messages);
        var uids = messages.Select(m => new UniqueId(uint.Parse(m.Id, CultureInfo.InvariantCulture))).ToList();
        string? error = null;
        try
        {
            using var client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, AnySessionSize, cancellationToken);
            if (NoUidPlus(client) is { } refusal)
            {
                return new DeleteResult(new HashSet<string>(), refusal);
            }

            var folder = await OpenAsync(client, FolderAccess.ReadWrite, cancellationToken);
            if (Identity(folder) != scan.Identity)
            {
                return new DeleteResult(new HashSet<string>(), $"mailbox {Mailbox} changed since it was read ({scan.Identity}, now {Identity(folder)}): its UIDs may name other messages, nothing was deleted");
            }

            var dates = await Bounded("IMAP FETCH INTERNALDATE", ct => folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate, ct), cancellationToken);
            var stillOld = dates.Where(s => s.InternalDate is { } d && d < cutoff).Select(s => s.UniqueId).ToList();
            if (stillOld.Count > 0)
            {
                await Bounded("IMAP STORE +FLAGS \\Deleted", ct => folder.StoreAsync(stillOld, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, ct), cancellationToken);
                await Bounded("IMAP UID EXPUNGE", ct => folder.ExpungeAsync(stillOld, ct), cancellationToken);
            }

            await Bounded("IMAP LOGOUT", ct => client.DisconnectAsync(true, ct), cancellationToken);
        }
        catch (MailOperationException e)
        {
            error = e.Message;
        }

        return new DeleteResult(await GoneAsync(uids, cancellationToken), error);
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        using var client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, AnySessionSize, cancellationToken);
        await OpenAsync(client, FolderAccess.ReadOnly, cancellationToken);
        if (NoUidPlus(client) is { } refusal)
        {
            throw new RetentionFailedException($"a run would refuse: {refusal}");
        }

        await Bounded("IMAP LOGOUT", ct => client.DisconnectAsync(true, ct), cancellationToken);
    }

    public Task FinishAsync(bool deletedAny, CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<List<MailboxMessage>> ReadBatchAsync(IMailFolder folder, IReadOnlyList<UniqueId> batch, HeaderBlockReader reader, CancellationToken cancellationToken)
    {
        var list = batch.ToList();
        var summaries = await Bounded(
            $"IMAP UID FETCH {list[0]}:{list[^1]} (INTERNALDATE RFC822.SIZE)",
            ct => folder.FetchAsync(list, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate | MessageSummaryItems.Size, ct),
            cancellationToken);
        var messages = new List<MailboxMessage>(summaries.Count);
        var buffer = new byte[HeaderBlockReader.MaxHeaderBytes + 1];
        foreach (var summary in summaries)
        {
            var id = summary.UniqueId.Id.ToString(CultureInfo.InvariantCulture);
            if (summary.InternalDate is not { } received)
            {
                messages.Add(new MailboxMessage(id, DateTimeOffset.MaxValue, summary.Size ?? 0, null, "no INTERNALDATE"));
                continue;
            }

            // One more byte than the limit tells a header of exactly 64 KiB from a longer one.
            var length = await Bounded(
                $"IMAP UID FETCH {id} BODY.PEEK[HEADER]",
                async ct =>
                {
                    await using var stream = await folder.GetStreamAsync(summary.UniqueId, "HEADER", 0, buffer.Length, ct);
                    return await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                },
                cancellationToken);
            var (headers, error) = reader.Parse(buffer.AsSpan(0, length));
            messages.Add(new MailboxMessage(id, received, summary.Size ?? 0, headers, error));
        }

        return messages;
    }

    // A fresh session reads back which UIDs are gone, so a connection lost mid-expunge never leaves the counts wrong.
    private async Task<IReadOnlySet<string>> GoneAsync(IList<UniqueId> uids, CancellationToken cancellationToken)
    {
        try
        {
            using var client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, AnySessionSize, cancellationToken);
            var folder = await OpenAsync(client, FolderAccess.ReadOnly, cancellationToken);
            var remaining = (await Bounded("IMAP UID SEARCH", ct => folder.SearchAsync(SearchQuery.Uids(uids), ct), cancellationToken)).ToHashSet();
            await Bounded("IMAP LOGOUT", ct => client.DisconnectAsync(true, ct), cancellationToken);
            return uids.Where(u => !remaining.Contains(u)).Select(u => u.Id.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        }
        catch (MailOperationException e)
        {
            throw new RetentionFailedException($"could not read back which messages are gone, so the deleted count is unknown: {e.Message}", e);
        }
    }

    private async Task<IMailFolder> OpenAsync(ImapClient client, FolderAccess access, CancellationToken cancellationToken)
    {
        var folder = Mailbox.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
            ? client.Inbox
            : await Bounded($"IMAP folder {Mailbox}", ct => client.GetFolderAsync(Mailbox, ct), cancellationToken);
        if (!folder.FullName.Equals(Mailbox, StringComparison.Ordinal) && folder != client.Inbox)
        {
            throw new RetentionFailedException($"IMAP folder {Mailbox}: the server answered with {folder.FullName}");
        }

        await Bounded($"IMAP SELECT {Mailbox}", ct => folder.OpenAsync(access, ct), cancellationToken);
        return folder;
    }

    /// <summary>Why this server's mail may not be expunged by UID (no UIDPLUS), or null.</summary>
    private string? NoUidPlus(ImapClient client) => client.Capabilities.HasFlag(ImapCapabilities.UidPlus)
        ? null
        : $"{Imap.Host} has no UIDPLUS: refusing to EXPUNGE, which would also remove mail other clients marked \\Deleted";

    private static string Identity(IMailFolder folder) => $"UIDVALIDITY {folder.UidValidity}";

    private Task<T> Bounded<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        MailOperations.RunAsync(what, Imap.Timeout, operation, cancellationToken);

    private Task Bounded(string what, Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        MailOperations.RunAsync(what, Imap.Timeout, operation, cancellationToken);
}
