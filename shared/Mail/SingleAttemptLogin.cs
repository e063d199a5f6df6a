using System.Net;
using MailKit;
using MailKit.Security;

namespace MailserverWorkers.Shared.Mail;

/// <summary>
/// Logs in with one SASL mechanism, once. MailKit's credential overload tries each mechanism the server offers in
/// turn (PLAIN, LOGIN, then the LOGIN command): a wrong password becomes three failures, each delayed by the server
/// (Dovecot's auth_failure_delay), and three strikes against fail2ban, which docker-mailserver runs.
/// </summary>
public static class SingleAttemptLogin
{
    /// <summary>Authenticates <paramref name="client"/> as <paramref name="user"/> with PLAIN, else LOGIN, else MailKit's choice.</summary>
    public static Task AuthenticateAsync(IMailService client, string user, string password, CancellationToken cancellationToken)
    {
        var credentials = new NetworkCredential(user, password);
        SaslMechanism? mechanism =
            client.AuthenticationMechanisms.Contains("PLAIN") ? new SaslMechanismPlain(credentials)
            : client.AuthenticationMechanisms.Contains("LOGIN") ? new SaslMechanismLogin(credentials)
            : null;
        return mechanism is null
            ? client.AuthenticateAsync(credentials, cancellationToken)
            : client.AuthenticateAsync(mechanism, cancellationToken);
    }
}
