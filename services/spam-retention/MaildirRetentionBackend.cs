using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The mailbox as files: <c>cur/</c> and <c>new/</c> of a mounted Maildir (never <c>tmp/</c>, where deliveries are
/// still being written). The received time is the file's mtime, as Dovecot takes it. Everything goes through
/// <see cref="MaildirDirectory"/>: no symbolic link is followed anywhere on the way (a link in the path is refused, a
/// link among the messages is kept and named), a FIFO, socket, device or directory among the messages is named and
/// never opened, and nothing outside the folder can be reached. A folder without <c>cur/</c> and <c>new/</c> is not a
/// Maildir folder: an error, never "an empty mailbox". After deleting, doveadm force-resync makes Dovecot's index and
/// every IMAP client see the change at once.
/// </summary>
public sealed class MaildirRetentionBackend(Doveadm doveadm, IOptions<RetentionOptions> options, ILogger<MaildirRetentionBackend> logger)
    : IRetentionBackend
{
    private const int ScanChunk = 8192;
    private static readonly string[] Subfolders = ["cur", "new"];

    private RetentionOptions Retention => options.Value;

    public string Describe() => $"Maildir {FolderPath()}";

    public Task<MailboxScan> ScanAsync(IReadOnlyList<string> headerNames, Action<MailboxMessage> onMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        using var folder = OpenFolder();
        var identity = folder.Identity;
        var subfolders = OpenSubfolders(folder);
        try
        {
            // Ids are paths relative to the folder ("cur/1700000000.M1P1.host:2,S"). The listing is read a chunk at a
            // time and each chunk's messages handed on as they are read: nothing holds the whole folder.
            var reader = new HeaderBlockReader(headerNames.ToList());
            for (var sub = 0; sub < subfolders.Count; sub++)
            {
                var directory = subfolders[sub];
                var prefix = Subfolders[sub] + "/";
                foreach (var chunk in directory.Entries().Chunk(ScanChunk))
                {
                    // Small files, read synchronously on every core: the scan is bound by system calls, not by the
                    // disk. A young-generation collection after each chunk: the scan allocates in a steady stream, and
                    // left to its default gen0 budget the heap runs some 50 MiB ahead of the live data.
                    Parallel.For(
                        0,
                        chunk.Length,
                        new ParallelOptions { CancellationToken = cancellationToken },
                        () => new byte[HeaderBlockReader.MaxHeaderBytes],
                        (i, _, buffer) =>
                        {
                            onMessage(Read(directory, prefix + chunk[i].Name, chunk[i], reader, buffer));
                            return buffer;
                        },
                        _ => { });
                    GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                }
            }

            return Task.FromResult(new MailboxScan(identity));
        }
        finally
        {
            subfolders.ForEach(d => d.Dispose());
        }
    }

    public Task<DeleteResult> DeleteAsync(MailboxScan scan, IReadOnlyList<MailboxMessage> messages, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(messages);
        using var folder = OpenFolder();
        if (folder.Identity != scan.Identity)
        {
            return Task.FromResult(new DeleteResult(new HashSet<string>(), $"{folder.Path} is another directory than the one read ({scan.Identity}, now {folder.Identity}): nothing was deleted"));
        }

        var subfolders = OpenSubfolders(folder);
        try
        {
            var gone = new HashSet<string>(StringComparer.Ordinal);
            foreach (var message in messages)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var slash = message.Id.IndexOf('/', StringComparison.Ordinal);
                var directory = subfolders[Array.IndexOf(Subfolders, message.Id[..slash])];
                var name = message.Id[(slash + 1)..];
                // Checked again right before deleting: still a plain file, still old enough. unlinkat removes the
                // entry itself, so a file swapped for a link in between loses only the link.
                if (directory.Look(name) is not { Kind: FileKind.Regular } state || state.Modified >= cutoff)
                {
                    continue;
                }

                var errno = directory.Unlink(name);
                if (errno == 0)
                {
                    gone.Add(message.Id);
                }
                else if (errno != 2)
                {
                    logger.LogWarning("Could not delete {Path}: {Error}", Path.Combine(folder.Path, message.Id), System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno));
                }
            }

            return Task.FromResult(new DeleteResult(gone, null));
        }
        finally
        {
            subfolders.ForEach(d => d.Dispose());
        }
    }

    public Task CheckAsync(CancellationToken cancellationToken)
    {
        using var folder = OpenFolder();
        foreach (var subfolder in OpenSubfolders(folder))
        {
            subfolder.Dispose();
        }

        return Task.CompletedTask;
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

    /// <summary>The folder's directory: the Maildir root for INBOX, Maildir++'s <c>.Name</c> (levels joined by <c>.</c>) below it otherwise.</summary>
    private string FolderPath()
    {
        var root = Path.GetFullPath(Retention.Maildir!).TrimEnd(Path.DirectorySeparatorChar);
        return IsInbox ? root : Path.Combine(root, FolderName);
    }

    private bool IsInbox => Retention.Mailbox.Equals("INBOX", StringComparison.OrdinalIgnoreCase);

    private string FolderName => "." + Retention.Mailbox.Replace('/', '.');

    private MaildirDirectory OpenFolder()
    {
        var root = MaildirDirectory.OpenPath(Path.GetFullPath(Retention.Maildir!));
        if (IsInbox)
        {
            return root;
        }

        using (root)
        {
            return root.OpenChild(FolderName) ?? throw new RetentionFailedException($"{FolderPath()} does not exist (mailbox {Retention.Mailbox})");
        }
    }

    private static List<MaildirDirectory> OpenSubfolders(MaildirDirectory folder)
    {
        var opened = new List<MaildirDirectory>();
        try
        {
            foreach (var sub in Subfolders)
            {
                opened.Add(folder.OpenChild(sub) ?? throw new RetentionFailedException($"{folder.Path} has no {sub}/: not a Maildir folder (is the volume mounted, is Retention__Maildir right?)"));
            }

            return opened;
        }
        catch
        {
            opened.ForEach(d => d.Dispose());
            throw;
        }
    }

    private static MailboxMessage Read(MaildirDirectory directory, string id, DirectoryEntry entry, HeaderBlockReader reader, byte[] buffer)
    {
        // Only what the listing says may be a regular file is opened; the open itself refuses links and cannot block.
        var unread = entry.Kind switch
        {
            FileKind.Regular or FileKind.Unknown => null,
            FileKind.SymbolicLink => "symbolic link (not followed)",
            FileKind.Unnamed => "file name is not plain UTF-8 text (not read)",
            var kind => $"not a regular file ({kind.ToString().ToLowerInvariant()}; not read)",
        };
        if (unread is not null)
        {
            return new MailboxMessage(id, DateTimeOffset.MaxValue, 0, null, unread);
        }

        try
        {
            var (outcome, state, (headers, error), errno) = directory.Read(entry.Name, readAt => reader.Read(readAt, buffer));
            return outcome switch
            {
                FileOutcome.Read => new MailboxMessage(id, state.Modified, state.Size, headers, error),
                FileOutcome.SymbolicLink => new MailboxMessage(id, DateTimeOffset.MaxValue, 0, null, "symbolic link (not followed)"),
                FileOutcome.NotRegular => new MailboxMessage(id, DateTimeOffset.MaxValue, 0, null, $"not a regular file ({state.Kind.ToString().ToLowerInvariant()}; not read)"),
                // Moved (a flag changed its name) or deleted since the listing: not an error, and not this run's.
                FileOutcome.Vanished => new MailboxMessage(id, DateTimeOffset.MaxValue, 0, null, null),
                _ => new MailboxMessage(id, DateTimeOffset.MaxValue, 0, null, $"unreadable: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}"),
            };
        }
        catch (IOException e)
        {
            return new MailboxMessage(id, DateTimeOffset.MaxValue, 0, null, $"unreadable: {e.Message}");
        }
    }
}
