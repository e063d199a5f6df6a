using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The rules. A message is automated when it has a presence marker (List-Unsubscribe), a Precedence of bulk, list
/// or junk, or an Auto-Submitted other than <c>no</c> (RFC 3834 says <c>no</c> means sent by a person). Automated
/// and older than 14 days: delete; not automated and older than 90 days: delete; everything else: keep. "Older"
/// is strict: a message exactly 14 days old stays. Age is the time the server received the message.
/// </summary>
public sealed class RetentionPolicy
{
    private readonly RetentionOptions options;
    private readonly string[] presenceMarkers;
    private readonly HashSet<string> precedenceValues;

    public RetentionPolicy(IOptions<RetentionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        presenceMarkers = Split(this.options.PresenceMarkers);
        precedenceValues = new HashSet<string>(Split(this.options.PrecedenceValues), StringComparer.OrdinalIgnoreCase);
        HeaderNames = [.. presenceMarkers, "Precedence", "Auto-Submitted", "From"];
    }

    /// <summary>The header fields a backend must read: the markers, and From for the profile.</summary>
    public IReadOnlyList<string> HeaderNames { get; }

    /// <summary>Which markers a message carries (empty: written by a person, as far as headers tell).</summary>
    public IReadOnlyList<string> MarkersOf(MessageHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var markers = new List<string>();
        markers.AddRange(presenceMarkers.Where(headers.Has));
        if (headers.All("Precedence").Any(v => precedenceValues.Contains(Token(v))))
        {
            markers.Add("Precedence");
        }

        if (options.AutoSubmitted && headers.All("Auto-Submitted").Any(v => !Token(v).Equals("no", StringComparison.OrdinalIgnoreCase)))
        {
            markers.Add("Auto-Submitted");
        }

        return markers;
    }

    public RetentionDecision Decide(bool automated, DateTimeOffset receivedAt, DateTimeOffset now)
    {
        var age = now - receivedAt;
        return automated
            ? age > options.AutomatedAfter ? RetentionDecision.DeleteAutomated : RetentionDecision.Keep
            : age > options.HumanAfter ? RetentionDecision.DeleteHuman : RetentionDecision.Keep;
    }

    /// <summary>The received time before which a message of this kind is deleted at <paramref name="now"/>.</summary>
    public DateTimeOffset CutoffFor(RetentionDecision decision, DateTimeOffset now) => decision switch
    {
        RetentionDecision.DeleteAutomated => now - options.AutomatedAfter,
        RetentionDecision.DeleteHuman => now - options.HumanAfter,
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };

    // "bulk (newsletter)" or "auto-generated; type=x": the value is the first token.
    private static string Token(string value)
    {
        var end = value.IndexOfAny([';', '(', ' ', '\t']);
        return (end < 0 ? value : value[..end]).Trim();
    }

    private static string[] Split(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public enum RetentionDecision
{
    Keep,
    DeleteAutomated,
    DeleteHuman,
}
