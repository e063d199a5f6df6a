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
    public async Task SendAsync(ProbeMail mail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var smtp = smtpOptions.Value;
        var endpoint = $"{smtp.Host}:{smtp.Port}";
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        client.ServerCertificateValidationCallback = CertificateValidation.CreateCallback(tlsOptions.Value) ?? client.ServerCertificateValidationCallback;

        await MailOperations.RunAsync(
            $"SMTP connect to {endpoint} ({smtp.Security})",
            smtp.Timeout,
            ct => client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security.ToSecureSocketOptions(), ct),
            cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await MailOperations.RunAsync(
                $"SMTP AUTH as {smtp.Username} at {endpoint}",
                smtp.Timeout,
                ct => SingleAttemptLogin.AuthenticateAsync(client, smtp.Username, smtp.Password ?? "", ct),
                cancellationToken);
        }

        var response = await MailOperations.RunAsync(
            $"SMTP submission of {mail.Id} to {endpoint}",
            smtp.Timeout,
            ct => client.SendAsync(ToMimeMessage(mail), ct),
            cancellationToken);
        logger.LogInformation("Sent {Id} by SMTP to {Endpoint} as {From} for {To}: {Response}", mail.Id, endpoint, mail.From, mail.To, response.Trim());
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException or MailKit.CommandException)
        {
            // The mail is accepted; a QUIT that fails changes nothing.
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
