using System.Globalization;
using MailKit;
using MailserverWorkers.Testing;
using MimeKit;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>Fills and inspects retention@ in the real Dovecot over IMAP; each message carries a test id header.</summary>
internal static class RetentionMailbox
{
    public const string TestIdHeader = "X-Retention-Test-Id";

    public static async Task ResetAsync(MailStack stack)
    {
        using var client = await stack.OpenImapAsync(stack.RetentionUser, stack.RetentionPassword);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        if (client.Inbox.Count > 0)
        {
            var all = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
            await client.Inbox.AddFlagsAsync(all, MessageFlags.Deleted, silent: true);
            await client.Inbox.ExpungeAsync();
        }

        await client.DisconnectAsync(true);
    }

    /// <summary>APPENDs each message with its received time (INTERNALDATE), which Dovecot keeps as the Maildir file's mtime.</summary>
    public static async Task LoadAsync(MailStack stack, IEnumerable<(int Id, byte[] Raw, DateTimeOffset Received)> messages)
    {
        using var client = await stack.OpenImapAsync(stack.RetentionUser, stack.RetentionPassword);
        foreach (var (id, raw, received) in messages)
        {
            var message = MimeMessage.Load(new MemoryStream(raw));
            message.Headers.Insert(0, new Header(TestIdHeader, id.ToString(CultureInfo.InvariantCulture)));
            await client.Inbox.AppendAsync(new AppendRequest(message) { InternalDate = received });
        }

        await client.DisconnectAsync(true);
    }

    /// <summary>Each remaining message's test id and its UID in INBOX.</summary>
    public static async Task<Dictionary<int, uint>> UidsAsync(MailStack stack)
    {
        using var client = await stack.OpenImapAsync(stack.RetentionUser, stack.RetentionPassword);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = new Dictionary<int, uint>();
        if (client.Inbox.Count > 0)
        {
            var request = new FetchRequest(MessageSummaryItems.UniqueId) { Headers = new HeaderSet([TestIdHeader]) };
            foreach (var summary in await client.Inbox.FetchAsync(0, -1, request))
            {
                uids[int.Parse(summary.Headers?[TestIdHeader] ?? "-1", CultureInfo.InvariantCulture)] = summary.UniqueId.Id;
            }
        }

        await client.DisconnectAsync(true);
        return uids;
    }

    public static async Task<HashSet<int>> RemainingAsync(MailStack stack) => (await UidsAsync(stack)).Keys.ToHashSet();
}
