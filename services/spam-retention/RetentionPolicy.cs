using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The rules. A message is automated when it has a presence marker (List-Unsubscribe) with a value, a Precedence of
/// bulk, list or junk, or an Auto-Submitted whose value is neither empty nor <c>no</c> (RFC 3834 says <c>no</c> means
/// sent by a person). Every occurrence of a repeated field counts on its own: one automated occurrence marks the
/// message. A field with an empty value says nothing (it keeps the message under the longer human rule). Automated
/// and older than 14 days: delete; not automated and older than 90 days: delete; everything else: keep. "Older"
/// is strict: a message exactly 14 days old stays. Age is the time the server received the message.
/// </summary>
public sealed class RetentionPolicy
{
    private readonly RetentionOptions options;
    private readonly string[] presenceMarkers;
    private readonly HashSet<string> precedenceValues;
    private readonly Func<string, bool> isBulkPrecedence;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string[]> markerSets = new();

    public RetentionPolicy(IOptions<RetentionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        presenceMarkers = Split(this.options.PresenceMarkers);
        precedenceValues = new HashSet<string>(Split(this.options.PrecedenceValues), StringComparer.OrdinalIgnoreCase);
        isBulkPrecedence = v => precedenceValues.Contains(Token(v));
        MarkerHeaderNames = [.. presenceMarkers, "Precedence", "Auto-Submitted"];
        ProfileHeaderNames = [.. MarkerHeaderNames, "From"];
    }

    /// <summary>The header fields a run must read: the markers.</summary>
    public IReadOnlyList<string> MarkerHeaderNames { get; }

    /// <summary>The header fields the profile and the per-message log lines read: the markers, and From.</summary>
    public IReadOnlyList<string> ProfileHeaderNames { get; }

    /// <summary>Which markers a message carries (empty: written by a person, as far as headers tell).</summary>
    public IReadOnlyList<string> MarkersOf(MessageHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.IsEmpty)
        {
            return [];
        }

        var mask = 0;
        for (var i = 0; i < presenceMarkers.Length; i++)
        {
            mask |= headers.Any(presenceMarkers[i], static v => v.Length > 0) ? 1 << i : 0;
        }

        mask |= headers.Any("Precedence", isBulkPrecedence) ? 1 << presenceMarkers.Length : 0;
        mask |= options.AutoSubmitted && headers.Any("Auto-Submitted", static v => Token(v) is { Length: > 0 } token && !token.Equals("no", StringComparison.OrdinalIgnoreCase))
            ? 1 << (presenceMarkers.Length + 1)
            : 0;
        // One shared list per combination of markers, not one per message.
        return markerSets.GetOrAdd(mask, m => MarkerHeaderNames.Where((_, i) => (m & (1 << i)) != 0).ToArray());
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
