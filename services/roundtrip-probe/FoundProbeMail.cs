using MimeKit;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The probe mail as the watcher found it.</summary>
/// <param name="Folder">The folder's full name.</param>
/// <param name="InJunk">True when it was in the junk folder: delivered, but classified as spam.</param>
/// <param name="InternalDate">When the server stored it (IMAP INTERNALDATE).</param>
/// <param name="SeenAt">When the probe saw it.</param>
/// <param name="Headers">The headers the report reads (Authentication-Results, spam verdicts).</param>
public sealed record FoundProbeMail(string Folder, bool InJunk, DateTimeOffset? InternalDate, DateTimeOffset SeenAt, HeaderList Headers);
