using MailKit;
using MailKit.Net.Imap;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Logging;
using MailserverWorkers.Shared.Mail;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The IMAP side shared by the watcher and the cleaner: sessions, and the folders a probe mail can land in.</summary>
public sealed class ImapConnection(ImapOptions imap, string? junkFolder, TlsOptions tls, ILogger logger)
{
    private static readonly string[] JunkFolderNames = ["Junk", "Spam", "INBOX.Junk", "INBOX/Junk", "Junk E-mail"];

    public string Endpoint => $"{imap.Host}:{imap.Port}";

    /// <summary>
    /// What one IMAP connection of the probe may read: a probe mailbox's searches, the found mail's few headers and
    /// the leftovers' UIDs come to kilobytes; a server sending more is broken or hostile, and the pod's memory limit
    /// must not be what stops it.
    /// </summary>
    internal const long MaxSessionBytes = 16L * 1024 * 1024;

    public Task<ImapClient> ConnectAsync(CancellationToken cancellationToken) => ImapSession.ConnectAsync(imap, tls, MaxSessionBytes, cancellationToken);

    /// <summary>INBOX, then the junk folder when there is one.</summary>
    public async Task<IReadOnlyList<IMailFolder>> WatchedFoldersAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var folders = new List<IMailFolder> { client.Inbox };
        var junk = await FindJunkFolderAsync(client, cancellationToken);
        if (junk is null)
        {
            logger.LogWarning("No junk folder found at {Endpoint} (set Probe__JunkFolder); watching INBOX only", Endpoint);
        }
        else
        {
            folders.Add(junk);
        }

        return folders;
    }

    public static bool IsJunk(IMailFolder folder) => !folder.FullName.Equals("INBOX", StringComparison.OrdinalIgnoreCase);

    private async Task<IMailFolder?> FindJunkFolderAsync(ImapClient client, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(junkFolder))
        {
            return await MailOperations.RunAsync(
                $"IMAP folder '{junkFolder}' (Probe__JunkFolder) at {Endpoint}",
                imap.Timeout,
                ct => client.GetFolderAsync(junkFolder, ct),
                cancellationToken);
        }

        if (client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) && client.GetFolder(SpecialFolder.Junk) is { } special)
        {
            return special;
        }

        foreach (var name in JunkFolderNames)
        {
            // Through the bounded operations like every other step: a server that stalls here fails the run's
            // login step with "timed out", never a TaskCanceledException that escapes the report.
            var found = await MailOperations.RunAsync(
                $"IMAP folder '{name}' at {Endpoint}",
                imap.Timeout,
                async ct =>
                {
                    try
                    {
                        return await client.GetFolderAsync(name, ct);
                    }
                    catch (FolderNotFoundException)
                    {
                        return null;
                    }
                },
                cancellationToken);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }
}
