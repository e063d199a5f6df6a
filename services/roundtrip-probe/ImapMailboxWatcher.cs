using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MailserverWorkers.Shared.Mail;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// Waits for the probe mail in INBOX and in the junk folder, one IMAP connection per folder so each can IDLE
/// (IDLE reports only the selected folder). Where the server has no IDLE, or <c>Probe__UseIdle=false</c>, it searches
/// every <c>Probe__PollInterval</c>. The caller's token carries the deadline.
/// </summary>
public sealed class ImapMailboxWatcher(
    IOptions<ImapOptions> imapOptions,
    IOptions<ProbeOptions> probeOptions,
    IOptions<TlsOptions> tlsOptions,
    TimeProvider time,
    ILogger<ImapMailboxWatcher> logger) : IDisposable
{
    /// <summary>RFC 2177 asks to re-issue IDLE within 29 minutes; NAT gateways forget idle flows much sooner.</summary>
    private static readonly TimeSpan IdleRefresh = TimeSpan.FromMinutes(4);

    internal static readonly string[] ReportHeaders =
        ["Authentication-Results", "X-Spam-Score", "X-Rspamd-Score", "X-Spamd-Result", "X-Spam-Status", "X-Spam", "X-Spam-Flag"];

    private readonly List<(ImapClient Client, IMailFolder Folder)> watches = [];
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int notListening;
    private int listeningFolders;

    private ImapOptions Imap => imapOptions.Value;

    /// <summary>
    /// Completes once every watched folder has searched once and waits (IDLE sent, or its poll wait begun), so that mail
    /// landing from then on is reported as soon as the server notices it; fails when <see cref="WaitForAsync"/> does.
    /// Mail that lands between a folder's search and its IDLE is told only at the server's next check (Dovecot 2.3:
    /// about 500 ms later), which would count in the delivery time.
    /// </summary>
    public Task Listening => listening.Task;

    /// <summary>
    /// Logs in and selects the folders. Called before the send: a login failure then costs no probe mail, and IDLE
    /// is already listening when the mail lands.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new ImapConnection(Imap, probeOptions.Value.JunkFolder, tlsOptions.Value, logger);
        var first = await connection.ConnectAsync(cancellationToken);
        watches.Add((first, first.Inbox));
        var folders = await connection.WatchedFoldersAsync(first, cancellationToken);
        foreach (var folder in folders.Skip(1))
        {
            var client = await connection.ConnectAsync(cancellationToken);
            watches.Add((client, await Bounded($"IMAP folder {folder.FullName}", ct => client.GetFolderAsync(folder.FullName, ct), cancellationToken)));
        }

        foreach (var (_, folder) in watches)
        {
            await Bounded($"IMAP SELECT {folder.FullName}", ct => folder.OpenAsync(FolderAccess.ReadOnly, ct), cancellationToken);
        }

        var idle = probeOptions.Value.UseIdle && first.Capabilities.HasFlag(ImapCapabilities.Idle);
        logger.LogInformation("Watching {Folders} of {User} at {Endpoint} with {Mode}",
            string.Join(" and ", watches.Select(w => w.Folder.FullName)), Imap.Username, connection.Endpoint,
            idle ? "IDLE" : $"a search every {probeOptions.Value.PollInterval.TotalSeconds:0.###}s");
    }

    /// <summary>Returns the probe mail as soon as any watched folder has it; throws when every folder's watch failed.</summary>
    public async Task<FoundProbeMail> WaitForAsync(ProbeMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        notListening = watches.Count;
        listeningFolders = 0;
        var pending = watches.Select(w => WatchFolderAsync(w.Client, w.Folder, mail, stop.Token)).ToList();
        Exception? firstFailure = null;
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (done.IsCompletedSuccessfully)
            {
                await stop.CancelAsync();
                await Task.WhenAll(pending).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                return done.Result;
            }

            if (done.Exception?.InnerException is { } failure and not OperationCanceledException)
            {
                // One folder's watch broke (a dropped connection): the other may still see the mail.
                logger.LogWarning("Stopped watching one folder: {Error}", failure.Message);
                firstFailure ??= failure;
            }
        }

        var ended = cancellationToken.IsCancellationRequested ? new OperationCanceledException(cancellationToken)
            : firstFailure ?? new ProbeFailedException("IMAP watch ended without a result");
        listening.TrySetException(ended);
        throw ended;
    }

    /// <summary>
    /// One folder waits for the mail (<paramref name="failure"/> null) or its watch ended before it could: the last of
    /// them completes <see cref="Listening"/>, which fails when no folder listens.
    /// </summary>
    private void Listened(Exception? failure)
    {
        if (failure is null)
        {
            Interlocked.Increment(ref listeningFolders);
        }

        if (Interlocked.Decrement(ref notListening) == 0)
        {
            _ = Volatile.Read(ref listeningFolders) > 0 ? listening.TrySetResult() : listening.TrySetException(failure ?? new ProbeFailedException("no folder is watched"));
        }
    }

    private async Task<FoundProbeMail> WatchFolderAsync(ImapClient client, IMailFolder folder, ProbeMail mail, CancellationToken cancellationToken)
    {
        var useIdle = probeOptions.Value.UseIdle && client.Capabilities.HasFlag(ImapCapabilities.Idle);
        var listened = false;
        try
        {
            while (true)
            {
                var countBefore = folder.Count;
                var uids = await Bounded($"IMAP SEARCH in {folder.FullName}", ct => folder.SearchAsync(SearchQuery.SubjectContains(mail.Id), ct), cancellationToken);
                if (uids.Count > 0)
                {
                    var seenAt = time.GetUtcNow();
                    var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate) { Headers = new HeaderSet(ReportHeaders) };
                    var summaries = await Bounded($"IMAP FETCH in {folder.FullName}", ct => folder.FetchAsync([uids[^1]], request, ct), cancellationToken);
                    var summary = summaries.Count > 0 ? summaries[0] : throw new ProbeFailedException($"{mail.Id} vanished from {folder.FullName} before it could be read");
                    logger.LogInformation("Probe mail {Id} seen in {Folder}", mail.Id, folder.FullName);
                    return new FoundProbeMail(folder.FullName, ImapConnection.IsJunk(folder), summary.InternalDate, seenAt, summary.Headers ?? []);
                }

                if (!useIdle)
                {
                    ListenedOnce(ref listened);
                    await Task.Delay(probeOptions.Value.PollInterval, time, cancellationToken);
                    await Bounded($"IMAP NOOP in {folder.FullName}", ct => client.NoOpAsync(ct), cancellationToken);
                }
                else if (folder.Count == countBefore)
                {
                    // Told as the IDLE command goes out: the server has it before any mail the sender hands over lands.
                    ListenedOnce(ref listened);
                    await IdleUntilChangeAsync(client, folder, cancellationToken);
                }
            }
        }
        catch (Exception e) when (!listened)
        {
            listened = true;
            Listened(e);
            throw;
        }
        finally
        {
            // Found before it ever waited (a leftover cannot be: the id is this run's).
            ListenedOnce(ref listened);
        }
    }

    private void ListenedOnce(ref bool listened)
    {
        if (!listened)
        {
            listened = true;
            Listened(null);
        }
    }

    private async Task IdleUntilChangeAsync(ImapClient client, IMailFolder folder, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        done.CancelAfter(IdleRefresh);
        void OnCountChanged(object? sender, EventArgs e) => done.Cancel();
        folder.CountChanged += OnCountChanged;
        try
        {
            // MailKit suspends the command timeout while idling; the refresh and the deadline bound it instead.
            await MailOperations.RunAsync($"IMAP IDLE in {folder.FullName}", IdleRefresh + Imap.Timeout, Imap.Timeout, ct => client.IdleAsync(done.Token, ct), cancellationToken);
        }
        finally
        {
            folder.CountChanged -= OnCountChanged;
        }
    }

    private Task<T> Bounded<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        MailOperations.RunAsync(what, Imap.Timeout, operation, cancellationToken);

    private Task Bounded(string what, Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        MailOperations.RunAsync(what, Imap.Timeout, operation, cancellationToken);

    public void Dispose()
    {
        foreach (var (client, _) in watches)
        {
            client.Dispose();
        }

        watches.Clear();
    }
}
