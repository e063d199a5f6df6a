using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>The <c>HAProxy__*</c> keys: where HAProxy's own view of its servers is read (optional).</summary>
public sealed class HaproxyOptions : IValidatableObject
{
    public const string SectionName = "HAProxy";

    private const int MaxSocketPathBytes = 107;

    /// <summary>The admin/stats socket (<c>stats socket /run/haproxy/admin.sock</c>), read with <c>show stat</c>.</summary>
    public string? StatsSocket { get; set; }

    /// <summary>The stats page (<c>http://haproxy:8404/stats</c>); <c>;csv</c> is added.</summary>
    public Uri? StatsUrl { get; set; }

    /// <summary>Basic-auth user of the stats page (<c>stats auth</c>).</summary>
    public string? Username { get; set; }

    /// <summary>Its password (or <c>HAProxy__PasswordFile</c>).</summary>
    public string? Password { get; set; }

    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A backend server HAProxy reports DOWN fails the run (default true); MAINT and DRAIN are only reported.</summary>
    public bool FailOnServerDown { get; set; } = true;

    public bool Configured => StatsSocket is { Length: > 0 } || StatsUrl is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StatsSocket is { Length: > 0 } && StatsUrl is not null)
        {
            yield return new ValidationResult("set HAProxy__StatsSocket or HAProxy__StatsUrl, not both", [nameof(StatsUrl)]);
        }

        if (StatsUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            // Not echoed: the URL may carry the stats password.
            yield return new ValidationResult("must be an absolute http:// or https:// URL", [nameof(StatsUrl)]);
        }

        if (StatsSocket is { Length: > 0 } socket && !Path.IsPathFullyQualified(socket))
        {
            yield return new ValidationResult($"must be an absolute path, not '{socket}'", [nameof(StatsSocket)]);
        }
        else if (StatsSocket is { Length: > 0 } longSocket && System.Text.Encoding.UTF8.GetByteCount(longSocket) > MaxSocketPathBytes)
        {
            // struct sockaddr_un's sun_path is 108 bytes on Linux, the terminating NUL included.
            yield return new ValidationResult(
                $"is {System.Text.Encoding.UTF8.GetByteCount(longSocket)} bytes long, more than a Unix socket path can be ({MaxSocketPathBytes}); use a shorter path or a link to it",
                [nameof(StatsSocket)]);
        }
    }
}
