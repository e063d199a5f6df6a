using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MailserverWorkers.Shared.Mail;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// Deletes this run's probe mail and every earlier leftover: mail in INBOX or the junk folder whose subject contains
/// <c>Probe__SubjectPrefix</c>. It deletes only by UID (UID EXPUNGE, RFC 4315) so mail another client marked
/// \Deleted is never expunged with it, and refuses to delete more than <c>Probe__CleanupMaxMessages</c> in a folder.
/// </summary>
public sealed class ImapProbeCleaner(
    IOptions<ImapOptions> imapOptions,
    IOptions<ProbeOptions> probeOptions,
    IOptions<TlsOptions> tlsOptions,
    ILogger<ImapProbeCleaner> logger)
{
    /// <summary>Returns how many messages were deleted.</summary>
    public async Task<int> CleanupAsync(CancellationToken cancellationToken)
    {
        var imap = imapOptions.Value;
        var connection = new ImapConnection(imap, probeOptions.Value.JunkFolder, tlsOptions.Value, logger);
        using var client = await connection.ConnectAsync(cancellationToken);
        var deleted = 0;
        foreach (var folder in await connection.WatchedFoldersAsync(client, cancellationToken))
        {
            deleted += await CleanFolderAsync(client, folder, imap.Timeout, cancellationToken);
        }

        // The deletions are done: LOGOUT is polite, never part of the verdict (as QUIT after a send).
        try
        {
            await MailOperations.RunAsync("IMAP LOGOUT", imap.Timeout, ct => client.DisconnectAsync(true, ct), cancellationToken);
        }
        catch (MailOperationException e)
        {
            logger.LogInformation("{Error}; the cleanup was done", e.Message);
        }

        return deleted;
    }

    private async Task<int> CleanFolderAsync(ImapClient client, IMailFolder folder, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var probe = probeOptions.Value;
        Task<T> Bounded<T>(string what, Func<CancellationToken, Task<T>> operation) =>
            MailOperations.RunAsync($"{what} in {folder.FullName}", timeout, operation, cancellationToken);
        Task Run(string what, Func<CancellationToken, Task> operation) =>
            MailOperations.RunAsync($"{what} in {folder.FullName}", timeout, operation, cancellationToken);

        await Bounded("IMAP SELECT", ct => folder.OpenAsync(FolderAccess.ReadWrite, ct));
        var candidates = await Bounded("IMAP SEARCH", ct => folder.SearchAsync(SearchQuery.SubjectContains(probe.SubjectPrefix), ct));
        if (candidates.Count == 0)
        {
            return 0;
        }

        // SEARCH SUBJECT may match loosely (charset folding, encoded words): delete only what the subject really says.
        var summaries = await Bounded("IMAP FETCH", ct => folder.FetchAsync(candidates, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, ct));
        var probes = summaries
            .Where(s => s.Envelope?.Subject?.Contains(probe.SubjectPrefix, StringComparison.OrdinalIgnoreCase) == true)
            .Select(s => s.UniqueId)
            .ToList();
        if (probes.Count > probe.CleanupMaxMessages)
        {
            throw new ProbeFailedException(
                $"cleanup: {probes.Count} messages in {folder.FullName} have '{probe.SubjectPrefix}' in the subject, more than Probe__CleanupMaxMessages={probe.CleanupMaxMessages}; deleted none");
        }

        if (probes.Count == 0)
        {
            return 0;
        }

        await Run("IMAP STORE +FLAGS \\Deleted", ct => folder.StoreAsync(probes, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, ct));
        if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
        {
            await Run("IMAP UID EXPUNGE", ct => folder.ExpungeAsync(probes, ct));
        }
        else
        {
            // Without UIDPLUS, EXPUNGE removes every \Deleted message: only do it when nothing else is marked.
            var marked = await Bounded("IMAP SEARCH DELETED", ct => folder.SearchAsync(SearchQuery.Deleted, ct));
            if (marked.All(probes.Contains))
            {
                await Run("IMAP EXPUNGE", ct => folder.ExpungeAsync(ct));
            }
            else
            {
                logger.LogWarning("{Folder}: the server has no UIDPLUS and other mail is marked \\Deleted; probe mail is flagged, not expunged", folder.FullName);
            }
        }

        logger.LogInformation("Deleted {Count} probe mail(s) from {Folder}", probes.Count, folder.FullName);
        await Run("IMAP CLOSE", ct => folder.CloseAsync(false, ct));
        return probes.Count;
    }
}
