using System.ComponentModel.DataAnnotations;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The <c>Imap__*</c> keys: the mailbox the probe mail must reach.</summary>
public sealed class ImapOptions
{
    public const string SectionName = "Imap";

    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 993;

    public MailSecurity Security { get; set; } = MailSecurity.SslOnConnect;

    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";

    /// <summary>Limit of the connect and of each IMAP command (default 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait with IDLE where the server offers it (default true); false polls every <c>Probe__PollInterval</c>.</summary>
    public bool UseIdle { get; set; } = true;

    /// <summary>The junk folder; empty finds it by the \Junk special use, then by the names Junk and Spam.</summary>
    public string? JunkFolder { get; set; }
}
