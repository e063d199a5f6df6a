using System.Text;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>
/// Messages as real servers hold them and attackers send them, each with the decision README's policy table states
/// for it (the oracle is the table, not the code): "delete automated", "delete human", "keep" or "error" (kept, named
/// and counted). Only regular files that Dovecot itself can serve; links and FIFOs are the maildir backend's own tests.
/// </summary>
internal static class HostileMessages
{
    /// <summary>Readable only by root: Dovecot (vmail) cannot read it, nor can the maildir backend run as vmail.</summary>
    public const string Unreadable = "unreadable";

    public static IReadOnlyList<(string Name, byte[] Raw, double AgeDays, string Expected)> All { get; } =
    [
        ("mbox-envelope-bulk", A("From news@list.example Mon Jan  1 00:00:00 2002\nFrom: news@list.example\nPrecedence: bulk\n\nbody\n"), 20, "delete automated"),
        ("mbox-envelope-human-old", A("From p@example.net Mon Jan  1 00:00:00 2002\nFrom: p@example.net\nSubject: hi\n\nbody\n"), 100, "delete human"),
        ("mbox-envelope-human-young", A("From p@example.net Mon Jan  1 00:00:00 2002\nFrom: p@example.net\n\nbody\n"), 20, "keep"),
        ("auto-submitted-no-twice", A("From: p@example.net\nAuto-Submitted: no\nAuto-Submitted: no\n\nbody\n"), 20, "keep"),
        ("auto-submitted-no-then-replied", A("From: p@example.net\nAuto-Submitted: no\nAuto-Submitted: auto-replied\n\nbody\n"), 20, "delete automated"),
        ("precedence-first-class-then-bulk", A("From: n@list.example\nPrecedence: first-class\nPrecedence: bulk\n\nbody\n"), 20, "delete automated"),
        ("empty-list-unsubscribe", A("From: p@example.net\nList-Unsubscribe:\n\nbody\n"), 20, "keep"),
        ("empty-auto-submitted", A("From: p@example.net\nAuto-Submitted: \n\nbody\n"), 20, "keep"),
        ("folded-marker", A("From: n@list.example\nPrecedence:\n bulk\n\nbody\n"), 20, "delete automated"),
        ("folded-list-unsubscribe", A("From: n@list.example\nList-Unsubscribe:\n\t<mailto:u@list.example>\n\nbody\n"), 20, "delete automated"),
        ("space-before-colon", A("From: n@list.example\nPrecedence : list\n\nbody\n"), 20, "delete automated"),
        ("look-alike-names", A("From: p@example.net\nX-Precedence: bulk\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\nPrecedence-X: junk\n\nbody\n"), 20, "keep"),
        ("marker-in-body", A("From: p@example.net\nSubject: fwd\n\nList-Unsubscribe: <mailto:x@y>\nPrecedence: bulk\n"), 20, "keep"),
        ("garbage-line-then-marker", A("this line has no colon\nList-Unsubscribe: <mailto:u@list.example>\n\nbody\n"), 20, "delete automated"),
        ("leading-continuation", A(" Precedence: bulk\nFrom: p@example.net\n\nbody\n"), 20, "keep"),
        ("crlf-line-ends", A("From: n@list.example\r\nPrecedence: list\r\n\r\nbody\r\n"), 20, "delete automated"),
        ("cr-only-line-ends", A("From: n@list.example\rPrecedence: bulk\r\rbody\r"), 20, "keep"),
        ("nul-bytes", [.. "From: n"u8, 0, .. "@list.example\nPrecedence: bulk\n\nbo"u8, 0, .. "dy\n"u8], 20, "delete automated"),
        ("non-utf8", [.. "From: J"u8, 0xf6, .. "rg <j@list.example>\nSubject: caf"u8, 0xe9, .. "\nPrecedence: list\n\nbody\n"u8], 20, "delete automated"),
        ("cyrillic-look-alike", [.. "From: p@example.net\nPr"u8, 0xd0, 0xb5, .. "cedence: bulk\n\nbody\n"u8], 20, "keep"),
        ("header-only-no-newline", A("From: n@list.example\nPrecedence: bulk"), 20, "delete automated"),
        ("no-header", A("\nbody without any header\n"), 100, "delete human"),
        ("zero-length", [], 100, "delete human"),
        ("zero-length-young", [], 20, "keep"),
        ("binary", [0x00, 0xff, 0x13, 0x37, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x0a, 0x0a, 0x00, 0x01], 100, "delete human"),
        ("huge-header", A("From: n@list.example\nPrecedence: bulk\nX-Big: " + new string('b', 70_000) + "\n\nbody\n"), 200, "error"),
        ("huge-folded-header", A("From: n@list.example\nPrecedence: bulk\nX-Big: " + string.Concat(Enumerable.Repeat("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n ", 2000)) + "\n\nbody\n"), 200, "error"),
        ("future-date", A("From: n@list.example\nPrecedence: bulk\n\nbody\n"), -400, "keep"),
        ("exactly-at-limit-young", A("From: n@list.example\nPrecedence: bulk\n\nbody\n"), 13, "keep"),
        (Unreadable, A("From: p@example.net\nSubject: restored with the wrong owner\n\nbody\n"), 200, "error"),
    ];

    private static byte[] A(string text) => Encoding.ASCII.GetBytes(text);
}
