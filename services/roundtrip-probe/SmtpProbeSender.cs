using MailKit.Net.Smtp;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MailserverWorkers.Shared.Mail;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>Sends the probe mail by SMTP submission (MailKit): implicit TLS or STARTTLS, AUTH when a user is set.</summary>
public sealed class SmtpProbeSender(IOptions<SmtpOptions> smtpOptions, IOptions<TlsOptions> tlsOptions, ILogger<SmtpProbeSender> logger) : IProbeSender
{
    /// <summary>How long the server may take to answer QUIT after accepting the mail.</summary>
    internal static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(2);

    /// <summary>What the server may send on one submission: its replies to a dozen commands are a few kilobytes.</summary>
    internal const long MaxSessionBytes = 1024 * 1024;

    public string CheckDescription
    {
        get
        {
            var smtp = smtpOptions.Value;
            return $"SMTP submission at {smtp.Host}:{smtp.Port} ({smtp.Security}){(string.IsNullOrEmpty(smtp.Username) ? ", no AUTH" : $", logged in as {smtp.Username}")}";
        }
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(cancellationToken);
        await QuitAsync(client, "the check", cancellationToken);
    }

    public async Task SendAsync(ProbeMail mail, Task ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(ready);
        var smtp = smtpOptions.Value;
        var endpoint = $"{smtp.Host}:{smtp.Port}";
        using var client = await ConnectAsync(cancellationToken);
        try
        {
            await ready;
        }
        catch
        {
            await QuitAsync(client, $"a login without the IMAP side ready ({mail.Id} not sent)", CancellationToken.None);
            throw;
        }

        var response = await MailOperations.RunAsync(
            $"SMTP submission of {mail.Id} to {endpoint}",
            smtp.Timeout,
            ct => client.SendAsync(ToMimeMessage(mail), ct),
            cancellationToken);
        logger.LogInformation("Sent {Id} by SMTP to {Endpoint} as {From} for {To}: {Response}", mail.Id, endpoint, mail.From, mail.To, response.Trim());
        await QuitAsync(client, $"{mail.Id}, which the server accepted,", cancellationToken);
    }

    /// <summary>
    /// QUIT is never part of the verdict, whatever the server does with it (no answer, an error, a reset). It gets a
    /// short bound of its own, and only the worker's own stop passes through.
    /// </summary>
    private async Task QuitAsync(SmtpClient client, string after, CancellationToken cancellationToken)
    {
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quit.CancelAfter(QuitTimeout);
        client.Timeout = (int)QuitTimeout.TotalMilliseconds;
        try
        {
            await client.DisconnectAsync(quit: true, quit.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("QUIT after {After} was not answered ({Error})", after, e.GetType().Name);
        }
    }

    /// <summary>Connects with the configured security and, when a user is set, logs in once.</summary>
    private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var smtp = smtpOptions.Value;
        var endpoint = $"{smtp.Host}:{smtp.Port}";
        var client = new SmtpClient(new PeerReadLimit(MaxSessionBytes)) { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            string? refused = null;
            client.ServerCertificateValidationCallback = CertificateValidation.CreateCallback(tlsOptions.Value, reason => refused = reason, smtp.Host);
            await MailOperations.ConnectAsync(
                $"SMTP connect to {endpoint} ({smtp.Security})",
                smtp.Timeout,
                ct => client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security.ToSecureSocketOptions(), ct),
                () => refused,
                cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await MailOperations.RunAsync(
                    $"SMTP AUTH as {smtp.Username} at {endpoint}",
                    smtp.Timeout,
                    ct => SingleAttemptLogin.AuthenticateAsync(client, smtp.Username, smtp.Password ?? "", ct),
                    cancellationToken);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    internal static MimeMessage ToMimeMessage(ProbeMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(mail.FromName, mail.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.Date = mail.CreatedAt;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(MailboxAddress.Parse(mail.From).Domain);
        message.Headers.Add(mail.MarkerHeader, mail.Id);
        // Keep auto-responders and list software away from the probe (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new TextPart("plain") { Text = mail.TextBody };
        return message;
    }
}
