using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// <c>--check</c> of the probe: IMAP as the run logs in (INBOX and the junk folder examined, read-only), then the relay
/// (SMTP connect, STARTTLS and AUTH, then QUIT; or Brevo's account call). No probe mail is sent.
/// </summary>
public sealed class ProbeCheck(IProbeSender sender, ImapMailboxWatcher watcher, IOptions<ImapOptions> imap) : IWorkerCheck
{
    public IEnumerable<CheckStep> Steps()
    {
        var settings = imap.Value;
        yield return new($"IMAP at {settings.Host}:{settings.Port} ({settings.Security}), logged in as {settings.Username}, INBOX and the junk folder examined",
            async ct =>
            {
                try
                {
                    await watcher.ConnectAsync(ct);
                }
                finally
                {
                    watcher.Dispose();
                }
            });
        yield return new(sender.CheckDescription, sender.CheckAsync);
    }
}
