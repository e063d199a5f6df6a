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
    private RetentionOptions Retention => options.Value;

    public string Describe() => $"Maildir {MailboxDirectory()}";

    public Task<IReadOnlyList<MailboxMessage>> ScanAsync(IReadOnlyList<string> headerNames, CancellationToken cancellationToken)
    {
        var root = MailboxDirectory();
        if (!Directory.Exists(root) || new DirectoryInfo(root).LinkTarget is not null)
        {
            throw new RetentionFailedException($"Maildir {root} does not exist, or is a symbolic link");
        }

        var entries = ((string[])["cur", "new"])
            .Select(sub => Path.Combine(root, sub))
            .Where(Directory.Exists)
            .SelectMany(Entries)
            .ToArray();
        var reader = new HeaderBlockReader(headerNames.ToList());
        var messages = new MailboxMessage[entries.Length];
        // Small files, read synchronously on every core: the scan is bound by system calls, not by the disk.
        Parallel.For(
            0,
            entries.Length,
            new ParallelOptions { CancellationToken = cancellationToken },
            () => new byte[HeaderBlockReader.MaxHeaderBytes],
            (i, _, buffer) =>
            {
                messages[i] = Read(entries[i], reader, buffer);
                return buffer;
            },
            _ => { });
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
            var path = Path.GetFullPath(message.Id);
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

        await doveadm.RunAsync(["force-resync", "-u", Retention.User!, Retention.Mailbox], (stdout, ct) => stdout.CopyToAsync(Stream.Null, ct).ContinueWith(_ => true, ct), cancellationToken);
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

    private static FileSystemEnumerable<(string Path, bool IsLink, DateTime Modified, long Length)> Entries(string directory) =>
        new(directory,
            (ref FileSystemEntry e) => (e.ToFullPath(), e.Attributes.HasFlag(FileAttributes.ReparsePoint), e.LastWriteTimeUtc.UtcDateTime, e.Length),
            new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.None, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory || e.Attributes.HasFlag(FileAttributes.ReparsePoint),
        };

    private static MailboxMessage Read((string Path, bool IsLink, DateTime Modified, long Length) entry, HeaderBlockReader reader, byte[] buffer)
    {
        var received = new DateTimeOffset(entry.Modified);
        if (entry.IsLink)
        {
            return new MailboxMessage(entry.Path, received, 0, null, "symbolic link (not followed)");
        }

        try
        {
            using var handle = File.OpenHandle(entry.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var (headers, error) = reader.Read(handle, buffer);
            return new MailboxMessage(entry.Path, received, entry.Length, headers, error);
        }
        catch (FileNotFoundException)
        {
            // Moved (a flag changed the name) or deleted since the listing: not an error; it simply is not this run's.
            return new MailboxMessage(entry.Path, received, entry.Length, null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new MailboxMessage(entry.Path, received, entry.Length, null, $"unreadable: {e.Message}");
        }
    }
}
