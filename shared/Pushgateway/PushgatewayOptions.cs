using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Http;

namespace MailserverWorkers.Shared.Pushgateway;

/// <summary>Where and how a worker pushes its metrics. Without <see cref="Url"/> nothing is pushed.</summary>
public sealed class PushgatewayOptions : IRetriedDeliveryOptions, IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Pushgateway";

    /// <summary>Default of <see cref="Attempts"/>.</summary>
    public const int DefaultAttempts = 3;

    /// <summary>The Pushgateway's base URL, e.g. <c>http://pushgateway.monitoring:9091</c>. User info becomes basic auth.</summary>
    public Uri? Url { get; set; }

    /// <summary>The <c>job</c> grouping label; each worker has its own default (<c>email-roundtrip</c>, ...).</summary>
    public string? Job { get; set; }

    /// <summary>More grouping labels (<c>Pushgateway__Labels__instance=eu-1</c>).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Basic auth user.</summary>
    public string? Username { get; set; }

    /// <summary>Basic auth password (or <c>Pushgateway__PasswordFile</c>).</summary>
    public string? Password { get; set; }

    /// <summary>Bearer token (or <c>Pushgateway__BearerTokenFile</c>).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Attempts in all (default 3).</summary>
    [Range(1, 10)]
    public int Attempts { get; set; } = DefaultAttempts;

    /// <summary>First backoff (default 1 s; then 2 s, 4 s; each up to a quarter longer as jitter, never shorter).</summary>
    [TimeSpanRange("00:00:00.010", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Limit of one attempt (default 10 s).</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is not null && (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult("must be an absolute http or https URL", [nameof(Url)]);
        }
        else if (Url is not null && (Url.Query.Length > 0 || Url.Fragment.Length > 0))
        {
            // The grouping path is appended to the URL: a query (a token, say) would be pushed to a wrong path and logged.
            yield return new ValidationResult("must not have a query or a fragment (use Pushgateway__BearerToken or Pushgateway__Username/Password)", [nameof(Url)]);
        }

        if (!string.IsNullOrEmpty(BearerToken) && (!string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(Url?.UserInfo)))
        {
            yield return new ValidationResult("set a bearer token or basic auth, not both", [nameof(BearerToken)]);
        }

        foreach (var name in Labels.Keys.Where(k => !PushgatewayUrl.IsValidLabelName(k) || k == "job"))
        {
            yield return new ValidationResult($"'{name}' is not a usable label name", [nameof(Labels)]);
        }
    }
}
