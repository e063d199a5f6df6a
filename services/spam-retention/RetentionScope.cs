using System.ComponentModel.DataAnnotations;

namespace MailserverWorkers.SpamRetention;

/// <summary>
/// What keeps a run inside its one folder, checked at start: the user and mailbox are exact names (doveadm 2.3 and 2.4
/// read <c>*</c>/<c>%</c> in a mailbox and <c>*</c>/<c>?</c> in a user as patterns and act on every match), no mailbox
/// segment can climb out of the Maildir, and marker names are RFC 5322 field names (printable ASCII but the colon).
/// </summary>
internal static class RetentionScope
{
    private static readonly char[] PatternCharacters = ['*', '%', '?'];

    public static IEnumerable<ValidationResult> Check(RetentionOptions options)
    {
        if (options.User is { Length: > 0 } user && BadUser(user) is { } userProblem)
        {
            yield return new ValidationResult($"{userProblem} in '{Escaped(user)}': name exactly one user", [nameof(RetentionOptions.User)]);
        }

        if (options.Mailbox is { } mailbox && BadMailbox(mailbox, options.Backend) is { } mailboxProblem)
        {
            yield return new ValidationResult($"{mailboxProblem} in '{Escaped(mailbox)}': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)", [nameof(RetentionOptions.Mailbox)]);
        }

        foreach (var name in (options.PresenceMarkers ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (!IsFieldName(name))
            {
                yield return new ValidationResult($"'{Escaped(name)}' is not a header field name (RFC 5322: printable ASCII without spaces or ':')", [nameof(RetentionOptions.PresenceMarkers)]);
            }
        }

        foreach (var value in (options.PrecedenceValues ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (!IsFieldName(value))
            {
                yield return new ValidationResult($"'{Escaped(value)}' is not a Precedence value (one word of printable ASCII)", [nameof(RetentionOptions.PrecedenceValues)]);
            }
        }
    }

    private static string? BadUser(string user) =>
        user.IndexOfAny(['*', '?']) >= 0 ? "pattern character (doveadm takes it as a mask of users)"
        : user.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) ? "white space or control character"
        : null;

    private static string? BadMailbox(string mailbox, RetentionBackendKind backend)
    {
        if (mailbox.IndexOfAny(PatternCharacters) >= 0)
        {
            return "pattern character (doveadm takes it as a pattern of mailboxes)";
        }

        if (mailbox.Any(char.IsControl))
        {
            return "control character";
        }

        if (mailbox.StartsWith('/') || mailbox.EndsWith('/'))
        {
            return "leading or trailing '/'";
        }

        foreach (var segment in mailbox.Split('/'))
        {
            if (segment.Length == 0 || segment.Trim().Length == 0)
            {
                return "empty segment";
            }

            if (segment is "." or "..")
            {
                return $"'{segment}' segment";
            }

            // Maildir++ keeps the hierarchy in the folder name with '.' as its separator (.Archive.Spam): a '.' in a
            // name cannot be told from a level, and Dovecot itself refuses it with this layout.
            if (backend == RetentionBackendKind.Maildir && segment.Contains('.', StringComparison.Ordinal))
            {
                return "'.' (the Maildir++ level separator)";
            }
        }

        return null;
    }

    private static bool IsFieldName(string name) => name.Length > 0 && name.All(c => c is > ' ' and <= '~' and not ':');

    private static string Escaped(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
