using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The mailbox over IMAP, logged in as its owner (or a Dovecot master user, <c>spam@example.test*admin</c>): a
/// header-only fetch (<c>BODY.PEEK[HEADER.FIELDS (...)]</c>) with INTERNALDATE and size in batches, then
/// <c>STORE +FLAGS (\Deleted)</c> and <c>UID EXPUNGE</c> (UIDPLUS) of exactly the chosen UIDs, whose INTERNALDATE is
/// read again right before. Without UIDPLUS it refuses to expunge: a plain EXPUNGE would take any \Deleted mail.
/// </summary>
public sealed class ImapRetentionBackend(IOptions<ImapOptions> imapOptions, IOptions<TlsOptions> tlsOptions, IOptions<RetentionOptions> options)
    : IRetentionBackend
{
    private const int BatchSize = 500;

    private ImapOptions Imap => imapOptions.Value;

    public string Describe() => $"IMAP {Imap.Host}:{Imap.Port}, mailbox {options.Value.Mailbox} of {Imap.Username}";

    public async Task<IReadOnlyList<MailboxMessage>> ScanAsync(IReadOnlyList<string> headerNames, CancellationToken cancellationToken)
    {
        using var client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, cancellationToken);
        var folder = await OpenAsync(client, FolderAccess.ReadOnly, cancellationToken);
        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate | MessageSummaryItems.Size)
        {
            Headers = new HeaderSet(headerNames),
        };
        var messages = new List<MailboxMessage>(folder.Count);
        for (var start = 0; start < folder.Count; start += BatchSize)
        {
            var end = Math.Min(folder.Count, start + BatchSize) - 1;
            var summaries = await Bounded($"IMAP FETCH {start + 1}:{end + 1}", ct => folder.FetchAsync(start, end, request, ct), cancellationToken);
            foreach (var summary in summaries)
            {
                var headers = new MessageHeaders();
                foreach (var header in summary.Headers ?? [])
                {
                    headers.Add(header.Field, header.Value);
                }

                messages.Add(summary.InternalDate is { } received
                    ? new MailboxMessage(summary.UniqueId.Id.ToString(CultureInfo.InvariantCulture), received, summary.Size ?? 0, headers, null)
                    : new MailboxMessage(summary.UniqueId.Id.ToString(CultureInfo.InvariantCulture), DateTimeOffset.MaxValue, summary.Size ?? 0, null, "no INTERNALDATE"));
            }
        }

        await Bounded("IMAP LOGOUT", ct => client.DisconnectAsync(true, ct), cancellationToken);
        return messages;
    }

    public async Task<DeleteResult> DeleteAsync(IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var uids = messages.Select(m => new UniqueId(uint.Parse(m.Id, CultureInfo.InvariantCulture))).ToList();
        string? error = null;
        try
        {
            using var client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, cancellationToken);
            if (!client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
            {
                return new DeleteResult(new HashSet<string>(), $"{Imap.Host} has no UIDPLUS: refusing to EXPUNGE, which would also remove mail other clients marked \\Deleted");
            }

            var folder = await OpenAsync(client, FolderAccess.ReadWrite, cancellationToken);
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

    public Task FinishAsync(bool deletedAny, CancellationToken cancellationToken) => Task.CompletedTask;

    // A fresh session reads back which UIDs are gone, so a connection lost mid-expunge never leaves the counts wrong.
    private async Task<IReadOnlySet<string>> GoneAsync(IList<UniqueId> uids, CancellationToken cancellationToken)
    {
        try
        {
            using var client = await ImapSession.ConnectAsync(Imap, tlsOptions.Value, cancellationToken);
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
        var name = options.Value.Mailbox;
        var folder = name.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
            ? client.Inbox
            : await Bounded($"IMAP folder {name}", ct => client.GetFolderAsync(name, ct), cancellationToken);
        await Bounded($"IMAP SELECT {name}", ct => folder.OpenAsync(access, ct), cancellationToken);
        return folder;
    }

    private Task<T> Bounded<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        MailOperations.RunAsync(what, Imap.Timeout, operation, cancellationToken);

    private Task Bounded(string what, Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        MailOperations.RunAsync(what, Imap.Timeout, operation, cancellationToken);
}
