using MailKit;
using MailKit.Net.Imap;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>Opens IMAP connections for the watcher and the cleaner: every connect and command bounded by <c>Imap__Timeout</c>.</summary>
public sealed class ImapConnection(ImapOptions imap, TlsOptions tls, ILogger logger)
{
    private static readonly string[] JunkFolderNames = ["Junk", "Spam", "INBOX.Junk", "INBOX/Junk", "Junk E-mail"];

    public string Endpoint => $"{imap.Host}:{imap.Port}";

    /// <summary>Connects and logs in; failures throw <see cref="ProbeFailedException"/> naming the step.</summary>
    public async Task<ImapClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new ImapClient { Timeout = (int)imap.Timeout.TotalMilliseconds };
        client.ServerCertificateValidationCallback = CertificateValidation.CreateCallback(tls) ?? client.ServerCertificateValidationCallback;
        try
        {
            await MailProtocolErrors.RunAsync(
                $"IMAP connect to {Endpoint} ({imap.Security})",
                imap.Timeout,
                ct => client.ConnectAsync(imap.Host, imap.Port, imap.Security.ToSecureSocketOptions(), ct),
                cancellationToken);
            await MailProtocolErrors.RunAsync(
                $"IMAP login as {imap.Username} at {Endpoint}",
                imap.Timeout,
                ct => SingleAttemptLogin.AuthenticateAsync(client, imap.Username, imap.Password, ct),
                cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>INBOX, then the junk folder when there is one.</summary>
    public async Task<IReadOnlyList<IMailFolder>> WatchedFoldersAsync(ImapClient client, CancellationToken cancellationToken)
    {
        var folders = new List<IMailFolder> { client.Inbox };
        var junk = await FindJunkFolderAsync(client, cancellationToken);
        if (junk is null)
        {
            logger.LogWarning("No junk folder found at {Endpoint} (set Imap__JunkFolder); watching INBOX only", Endpoint);
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
        if (!string.IsNullOrEmpty(imap.JunkFolder))
        {
            return await MailProtocolErrors.RunAsync(
                $"IMAP folder '{imap.JunkFolder}' (Imap__JunkFolder) at {Endpoint}",
                imap.Timeout,
                ct => client.GetFolderAsync(imap.JunkFolder, ct),
                cancellationToken);
        }

        if (client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) && client.GetFolder(SpecialFolder.Junk) is { } special)
        {
            return special;
        }

        foreach (var name in JunkFolderNames)
        {
            try
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(imap.Timeout);
                return await client.GetFolderAsync(name, bounded.Token);
            }
            catch (FolderNotFoundException)
            {
            }
        }

        return null;
    }
}
