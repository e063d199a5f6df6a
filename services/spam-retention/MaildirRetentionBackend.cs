using System.IO.Enumeration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The mailbox as files: <c>cur/</c> and <c>new/</c> of a mounted Maildir (never <c>tmp/</c>, where deliveries are
/// still being written). The received time is the file's mtime, as Dovecot takes it. Symbolic links are never
/// followed (counted as errors and kept), nothing outside the Maildir root is touched, and after deleting, doveadm
/// force-resync makes Dovecot's index and every IMAP client see the change at once.
/// </summary>
public sealed class MaildirRetentionBackend(Doveadm doveadm, IOptions<RetentionOptions> options, ILogger<MaildirRetentionBackend> logger)
    : IRetentionBackend
{
    private const int ScanChunk = 8192;

    private RetentionOptions Retention => options.Value;

    public string Describe() => $"Maildir {MailboxDirectory()}";

    public Task<IReadOnlyList<MailboxMessage>> ScanAsync(IReadOnlyList<string> headerNames, CancellationToken cancellationToken)
    {
        var root = MailboxDirectory();
        if (!Directory.Exists(root) || new DirectoryInfo(root).LinkTarget is not null)
        {
            throw new RetentionFailedException($"Maildir {root} does not exist, or is a symbolic link");
        }

        // Ids are paths relative to the Maildir root ("cur/1700000000.M1P1.host:2,S"): shorter to keep for 100,000
        // messages, and opened relative to the root's descriptor.
        var entries = ((string[])["cur", "new"])
            .Where(sub => Directory.Exists(Path.Combine(root, sub)))
            .SelectMany(sub => Entries(root, sub))
            .ToArray();
        var reader = new HeaderBlockReader(headerNames.ToList());
        var messages = new MailboxMessage[entries.Length];
        var rootFd = NoFollowFile.OpenDirectory(root);
        try
        {
            // Small files, read synchronously on every core: the scan is bound by system calls, not by the disk.
            // Chunked, with a young-generation collection between chunks: the scan allocates in a steady stream, and
            // left to its default gen0 budget the runtime's heap runs some 50 MiB ahead of the live data.
            for (var chunk = 0; chunk < entries.Length; chunk += ScanChunk)
            {
                var end = Math.Min(entries.Length, chunk + ScanChunk);
                Parallel.For(
                    chunk,
                    end,
                    new ParallelOptions { CancellationToken = cancellationToken },
                    () => new byte[HeaderBlockReader.MaxHeaderBytes],
                    (i, _, buffer) =>
                    {
                        messages[i] = Read(rootFd, entries[i], reader, buffer);
                        return buffer;
                    },
                    _ => { });
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            }
        }
        finally
        {
            NoFollowFile.CloseDirectory(rootFd);
        }

        return Task.FromResult<IReadOnlyList<MailboxMessage>>(messages);
    }

    public Task<DeleteResult> DeleteAsync(IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var root = MailboxDirectory();
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = Path.GetFullPath(Path.Combine(root, message.Id));
            var info = new FileInfo(path);
            // Checked again right before deleting: still inside the root, still a plain file, still old enough.
            if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !info.Exists || info.LinkTarget is not null ||
                new DateTimeOffset(info.LastWriteTimeUtc) >= cutoff)
            {
                continue;
            }

            try
            {
                info.Delete();
                gone.Add(message.Id);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not delete {Path}: {Error}", path, e.Message);
            }
        }

        return Task.FromResult(new DeleteResult(gone, null));
    }

    public async Task FinishAsync(bool deletedAny, CancellationToken cancellationToken)
    {
        if (!deletedAny)
        {
            return;
        }

        await doveadm.RunAsync(["force-resync", "-u", Retention.User!, Retention.Mailbox], cancellationToken);
        logger.LogInformation("doveadm force-resync of {User} {Mailbox} done ({Where})", Retention.User, Retention.Mailbox, doveadm.Where);
    }

    /// <summary>The folder's directory: the Maildir root for INBOX, Maildir++'s <c>.Name</c> below it otherwise.</summary>
    private string MailboxDirectory()
    {
        var root = Path.GetFullPath(Retention.Maildir!).TrimEnd(Path.DirectorySeparatorChar);
        return Retention.Mailbox.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
            ? root
            : Path.Combine(root, "." + Retention.Mailbox.Replace('/', '.'));
    }

    // The listing reads names, times and sizes (one lstat each); links are told apart when opened, by O_NOFOLLOW.
    private static FileSystemEnumerable<(string Id, DateTime Modified, long Length)> Entries(string root, string sub) =>
        new(Path.Combine(root, sub),
            (ref FileSystemEntry e) => (string.Concat(sub, "/", e.FileName), e.LastWriteTimeUtc.UtcDateTime, e.Length),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.None, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory,
        };

    private static MailboxMessage Read(int rootFd, (string Id, DateTime Modified, long Length) entry, HeaderBlockReader reader, byte[] buffer)
    {
        var received = new DateTimeOffset(entry.Modified);
        try
        {
            var (outcome, (headers, error), errno) = NoFollowFile.Read(rootFd, entry.Id, readAt => reader.Read(readAt, buffer));
            return outcome switch
            {
                NoFollowFile.Outcome.Read => new MailboxMessage(entry.Id, received, entry.Length, headers, error),
                NoFollowFile.Outcome.SymbolicLink => new MailboxMessage(entry.Id, received, 0, null, "symbolic link (not followed)"),
                // Moved (a flag changed its name) or deleted since the listing: not an error, and not this run's.
                NoFollowFile.Outcome.Vanished => new MailboxMessage(entry.Id, received, entry.Length, null, null),
                _ => new MailboxMessage(entry.Id, received, entry.Length, null, $"unreadable: errno {errno}"),
            };
        }
        catch (IOException e)
        {
            return new MailboxMessage(entry.Id, received, entry.Length, null, $"unreadable: {e.Message}");
        }
    }
}
