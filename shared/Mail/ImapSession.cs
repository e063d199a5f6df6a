using MailKit.Net.Imap;
using MailserverWorkers.Shared.Tls;

namespace MailserverWorkers.Shared.Mail;

/// <summary>Opens IMAP sessions the way every worker does: every connect and command bounded by <c>Imap__Timeout</c>.</summary>
public static class ImapSession
{
    /// <summary>
    /// Connects and logs in once; failures throw <see cref="MailOperationException"/> naming the step. The server may
    /// send at most <paramref name="maxSessionBytes"/> on this connection and no line above <see cref="PeerReadLimit.DefaultMaxLineBytes"/>.
    /// </summary>
    public static async Task<ImapClient> ConnectAsync(ImapOptions imap, TlsOptions tls, long maxSessionBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imap);
        ArgumentNullException.ThrowIfNull(tls);
        var endpoint = $"{imap.Host}:{imap.Port}";
        var client = new ImapClient(new PeerReadLimit(maxSessionBytes)) { Timeout = (int)imap.Timeout.TotalMilliseconds };
        string? refused = null;
        client.ServerCertificateValidationCallback = CertificateValidation.CreateCallback(tls, reason => refused = reason, imap.Host);
        try
        {
            await MailOperations.ConnectAsync(
                $"IMAP connect to {endpoint} ({imap.Security})",
                imap.Timeout,
                ct => client.ConnectAsync(imap.Host, imap.Port, imap.Security.ToSecureSocketOptions(), ct),
                () => refused,
                cancellationToken);
            await MailOperations.RunAsync(
                $"IMAP login as {imap.Username} at {endpoint}",
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
}
