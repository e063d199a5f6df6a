using MailKit;
using MailKit.Search;
using MailserverWorkers.Testing;
using MimeKit;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>Looks into and seeds a mailbox of the real Dovecot, beside the probe.</summary>
internal static class Mailbox
{
    public static async Task<int> CountAsync(MailStack stack, string user, string password, string folderName, string subjectPart)
    {
        using var client = await stack.OpenImapAsync(user, password);
        var folder = await client.GetFolderAsync(folderName);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var found = await folder.SearchAsync(SearchQuery.SubjectContains(subjectPart));
        await client.DisconnectAsync(true);
        return found.Count;
    }

    public static async Task AppendAsync(MailStack stack, string user, string password, string folderName, string subject, MessageFlags flags = MessageFlags.None)
    {
        using var client = await stack.OpenImapAsync(user, password);
        var folder = await client.GetFolderAsync(folderName);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("someone@" + stack.Domain));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "seeded by a test" };
        await folder.AppendAsync(new AppendRequest(message, flags));
        await client.DisconnectAsync(true);
    }

    /// <summary>How many messages in <paramref name="folderName"/> have <paramref name="subjectPart"/> in the subject and are flagged \Deleted.</summary>
    public static async Task<int> CountDeletedAsync(MailStack stack, string user, string password, string folderName, string subjectPart)
    {
        using var client = await stack.OpenImapAsync(user, password);
        var folder = await client.GetFolderAsync(folderName);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var found = await folder.SearchAsync(SearchQuery.SubjectContains(subjectPart).And(SearchQuery.Deleted));
        await client.DisconnectAsync(true);
        return found.Count;
    }

    /// <summary>Deletes every message whose subject contains <paramref name="subjectPart"/> in INBOX and Junk.</summary>
    public static async Task PurgeAsync(MailStack stack, string user, string password, string subjectPart)
    {
        using var client = await stack.OpenImapAsync(user, password);
        foreach (var name in (string[])["INBOX", "Junk"])
        {
            var folder = await client.GetFolderAsync(name);
            await folder.OpenAsync(FolderAccess.ReadWrite);
            var uids = await folder.SearchAsync(SearchQuery.SubjectContains(subjectPart));
            if (uids.Count > 0)
            {
                await folder.AddFlagsAsync(uids, MessageFlags.Deleted, silent: true);
                await folder.ExpungeAsync(uids);
            }
        }

        await client.DisconnectAsync(true);
    }
}
