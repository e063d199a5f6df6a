using MailKit.Security;

namespace MailserverWorkers.Shared.Mail;

/// <summary>Values of <c>Smtp__Security</c> and <c>Imap__Security</c>.</summary>
public enum MailSecurity
{
    /// <summary>Plain text; only sensible on loopback.</summary>
    None,

    /// <summary>Connect in plain text, then STARTTLS; fail if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (ports 465 and 993).</summary>
    SslOnConnect,
}

/// <summary>Maps <see cref="MailSecurity"/> to MailKit.</summary>
public static class MailSecurityExtensions
{
    /// <summary>The MailKit option for <paramref name="security"/>.</summary>
    public static SecureSocketOptions ToSecureSocketOptions(this MailSecurity security) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security)),
    };
}
