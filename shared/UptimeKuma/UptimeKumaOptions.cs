using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Http;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.Shared.UptimeKuma;

/// <summary>The <c>UptimeKuma__*</c> keys. Without a push URL no heartbeat is sent.</summary>
public sealed class UptimeKumaOptions : IRetriedDeliveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "UptimeKuma";

    /// <summary>The push monitor's URL as Uptime Kuma shows it; its query is replaced. It holds the token: a secret.</summary>
    [HttpUrl]
    public Uri? PushUrl { get; set; }

    /// <summary>Attempts per heartbeat (default 3).</summary>
    [Range(1, 10)]
    public int Attempts { get; set; } = 3;

    /// <summary>Base delay before a retry, doubled each time (default 1 s).</summary>
    [TimeSpanRange("00:00:00.010", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Limit of one attempt (default 10 s).</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
