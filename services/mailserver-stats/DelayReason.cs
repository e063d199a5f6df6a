using System.Text.RegularExpressions;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// The status a deferred recipient's <c>delay_reason</c> stands for, a label of few values instead of free text: the
/// enhanced status code in the remote server's reply (<c>said: 450 4.7.1 ...</c>), else the one Postfix's smtp
/// client gives its own failures (Postfix 3.7-3.10 <c>smtp_connect.c</c>, <c>smtp_proto.c</c>: connect failures
/// 4.4.1, lost connections and timeouts 4.4.2, DNS failures 4.4.3, TLS 4.7.5), else the reply's basic class.
/// </summary>
public static partial class DelayReason
{
    public const string Unknown = "unknown";

    /// <summary>The status (<c>4.4.1</c>) for a <c>delay_reason</c>; <see cref="Unknown"/> when it names none.</summary>
    public static string Classify(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Unknown;
        }

        // The queue manager's "delivery temporarily suspended: <why>" repeats an earlier failure's text.
        const string suspended = "delivery temporarily suspended: ";
        var text = reason.StartsWith(suspended, StringComparison.Ordinal) ? reason[suspended.Length..] : reason;
        if (EnhancedStatus().Match(text) is { Success: true } enhanced)
        {
            return enhanced.Groups[1].Value;
        }

        foreach (var (fragment, status) in OwnFailures)
        {
            if (text.Contains(fragment, StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }
        }

        return BasicReply().Match(text) is { Success: true } basic ? $"{basic.Groups[1].Value}.0.0" : Unknown;
    }

    private static readonly (string Fragment, string Status)[] OwnFailures =
    [
        ("Host or domain name not found", "4.4.3"),
        ("Name service error", "4.4.3"),
        ("Connection refused", "4.4.1"),
        ("Connection timed out", "4.4.1"),
        ("No route to host", "4.4.1"),
        ("Network is unreachable", "4.4.1"),
        ("connect to ", "4.4.1"),
        ("lost connection with", "4.4.2"),
        ("conversation with", "4.4.2"),
        ("without sending the initial SMTP greeting", "4.4.2"),
        ("TLS is required", "4.7.5"),
        ("Cannot start TLS", "4.7.5"),
        ("mail transport unavailable", "4.3.0"),
    ];

    // An enhanced status code (RFC 3463) standing alone: "said: 450 4.7.1 <a@b>", never part of an address such as 10.4.5.6.
    [GeneratedRegex(@"(?:^|\s)([245]\.\d{1,3}\.\d{1,3})(?=\s|$|[,;:])")]
    private static partial Regex EnhancedStatus();

    [GeneratedRegex(@"\bsaid: ([45])\d\d\b")]
    private static partial Regex BasicReply();
}
