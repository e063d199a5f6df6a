using System.Globalization;
using System.Text.RegularExpressions;
using MimeKit;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>Reads the spam filter's score from the headers Rspamd and SpamAssassin add, whichever is there.</summary>
public static partial class SpamScoreHeader
{
    /// <summary>The score, or null when no known header carries one.</summary>
    public static double? Read(HeaderList headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // X-Spam-Score: 3.2 (docker-mailserver, SpamAssassin) / X-Rspamd-Score: 3.2
        foreach (var name in (string[])["X-Spam-Score", "X-Rspamd-Score"])
        {
            if (headers[name] is { } value && TryNumber(value.Trim(), out var score))
            {
                return score;
            }
        }

        // X-Spamd-Result: default: False [3.20 / 15.00]; ... (Rspamd's extended headers)
        if (headers["X-Spamd-Result"] is { } spamd && SpamdScore().Match(spamd) is { Success: true } m && TryNumber(m.Groups[1].Value, out var s1))
        {
            return s1;
        }

        // X-Spam-Status: No, score=3.2 required=5.0 ... (SpamAssassin)
        if (headers["X-Spam-Status"] is { } status && StatusScore().Match(status) is { Success: true } n && TryNumber(n.Groups[1].Value, out var s2))
        {
            return s2;
        }

        return null;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    [GeneratedRegex(@"\[\s*(-?[0-9]+(?:\.[0-9]+)?)\s*/")]
    private static partial Regex SpamdScore();

    [GeneratedRegex(@"score=(-?[0-9]+(?:\.[0-9]+)?)")]
    private static partial Regex StatusScore();
}
