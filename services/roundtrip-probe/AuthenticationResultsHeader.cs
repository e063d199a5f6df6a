using System.Text;
using System.Text.RegularExpressions;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// Reads the method results (<c>spf=pass</c>, <c>dkim=fail</c>, ...) of an Authentication-Results header (RFC 8601).
/// Only one header is believed: the one whose authserv-id is the configured one, or else the topmost, which the
/// receiving server added last; a sender can forge any header below it.
/// </summary>
public sealed partial class AuthenticationResultsHeader
{
    private readonly Dictionary<string, List<string>> results;

    private AuthenticationResultsHeader(string authServId, Dictionary<string, List<string>> results)
    {
        AuthServId = authServId;
        this.results = results;
    }

    /// <summary>The methods the probe reports on.</summary>
    public static IReadOnlyList<string> ReportedMethods { get; } = ["spf", "dkim", "dmarc"];

    public string AuthServId { get; }

    /// <summary>The results for <paramref name="method"/> (<c>spf</c>, <c>dkim</c>, <c>dmarc</c>), lower case; empty when absent.</summary>
    public IReadOnlyList<string> ResultsFor(string method) => results.TryGetValue(method, out var list) ? list : [];

    /// <summary>True when any result for <paramref name="method"/> is <c>pass</c> (a mail may carry several DKIM signatures).</summary>
    public bool Passed(string method) => ResultsFor(method).Contains("pass");

    /// <summary>Picks and parses the header to believe among <paramref name="values"/> (topmost first); null when none fits.</summary>
    public static AuthenticationResultsHeader? Select(IEnumerable<string> values, string? trustedAuthServId)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            var parsed = Parse(value);
            if (parsed is not null && (string.IsNullOrEmpty(trustedAuthServId) ||
                                       parsed.AuthServId.Equals(trustedAuthServId, StringComparison.OrdinalIgnoreCase)))
            {
                return parsed;
            }
        }

        return null;
    }

    /// <summary>Parses one header value; null when it has no authserv-id.</summary>
    public static AuthenticationResultsHeader? Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = StripComments(Unfold(value)).Split(';');
        var authServId = parts[0].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (string.IsNullOrEmpty(authServId))
        {
            return null;
        }

        var results = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.Skip(1))
        {
            var match = MethodResult().Match(part);
            if (match.Success)
            {
                var method = match.Groups["method"].Value.ToLowerInvariant();
                if (!results.TryGetValue(method, out var list))
                {
                    results[method] = list = [];
                }

                list.Add(match.Groups["result"].Value.ToLowerInvariant());
            }
        }

        return new AuthenticationResultsHeader(authServId, results);
    }

    private static string Unfold(string value) => value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\t', ' ');

    // RFC 5322 comments, (which may (nest)), carry no results: "dkim=pass (2048-bit key; unprotected)" must not split at ';'.
    private static string StripComments(string value)
    {
        var builder = new StringBuilder(value.Length);
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && (depth > 0 || quoted))
            {
                i++;
                continue;
            }

            if (c == '"' && depth == 0)
            {
                quoted = !quoted;
            }
            else if (c == '(' && !quoted)
            {
                depth++;
                continue;
            }
            else if (c == ')' && !quoted && depth > 0)
            {
                depth--;
                continue;
            }

            if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^\s*(?<method>[A-Za-z0-9_.-]+)\s*(?:/\s*[0-9]+\s*)?=\s*(?<result>[A-Za-z0-9_-]+)")]
    private static partial Regex MethodResult();
}
