using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The <c>Brevo__*</c> keys, used when <c>Probe__Sender=brevo</c>.</summary>
public sealed class BrevoOptions
{
    public const string SectionName = "Brevo";

    public string? ApiKey { get; set; }

    [Required]
    [HttpUrl]
    public Uri BaseUrl { get; set; } = new("https://api.brevo.com");

    /// <summary>Limit of each API call (default 30 s).</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
