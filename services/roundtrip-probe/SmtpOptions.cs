using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The <c>Smtp__*</c> keys, used when <c>Probe__Sender=smtp</c>.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    [HostName]
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    /// <summary>Without a user name the probe sends without AUTH.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Limit of the connect and of each SMTP command (default 30 s).</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
