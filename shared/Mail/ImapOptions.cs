using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.Shared.Mail;

/// <summary>The <c>Imap__*</c> keys: an IMAP mailbox a worker logs in to (roundtrip-probe, spam-retention).</summary>
public sealed class ImapOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Imap";

    /// <summary>The IMAP server.</summary>
    [Required]
    [HostName]
    public string Host { get; set; } = "";

    /// <summary>Its port (default 993).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 993;

    /// <summary>TLS mode (default SslOnConnect).</summary>
    public MailSecurity Security { get; set; } = MailSecurity.SslOnConnect;

    /// <summary>The login; <c>user*master</c> for a Dovecot master user.</summary>
    [Required]
    public string Username { get; set; } = "";

    /// <summary>The password (or <c>Imap__PasswordFile</c>).</summary>
    [Required]
    public string Password { get; set; } = "";

    /// <summary>Limit of the connect and of each IMAP command (default 10 s).</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
