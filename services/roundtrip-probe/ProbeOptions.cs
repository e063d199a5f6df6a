using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>The <c>Probe__*</c> keys: what a round trip sends, to whom, and how long it waits.</summary>
public sealed class ProbeOptions
{
    public const string SectionName = "Probe";
    public const string DefaultSubjectPrefix = "e2e-probe";
    public const string DefaultMarkerHeader = "X-E2E-Probe-Id";
    public const int DefaultCleanupMaxMessages = 500;

    /// <summary>How the probe mail leaves: <c>smtp</c> (submission) or <c>brevo</c> (Brevo's HTTP API). Default smtp.</summary>
    public ProbeSenderKind Sender { get; set; } = ProbeSenderKind.Smtp;

    [Required, EmailAddress]
    public string From { get; set; } = "";

    /// <summary>Display name of the sender (default "Roundtrip probe").</summary>
    public string FromName { get; set; } = "Roundtrip probe";

    [Required, EmailAddress]
    public string To { get; set; } = "";

    /// <summary>How long the whole round trip may take, send to cleanup (default 5 minutes).</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Interval between searches where the server has no IDLE, or <c>Probe__UseIdle=false</c> (default 20 s).</summary>
    [TimeSpanRange("00:00:00.100", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Wait with IMAP IDLE where the server offers it (default true); false searches every <see cref="PollInterval"/>.</summary>
    public bool UseIdle { get; set; } = true;

    /// <summary>The junk folder; empty finds it by the \Junk special use, then by the names Junk and Spam.</summary>
    public string? JunkFolder { get; set; }

    /// <summary>Start of every probe subject; cleanup deletes mail whose subject contains it (default e2e-probe).</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{3,63}$", ErrorMessage = "must be 4 to 64 letters, digits, '.', '_' or '-'")]
    public string SubjectPrefix { get; set; } = DefaultSubjectPrefix;

    /// <summary>Header that carries the run's id beside the subject (default X-E2E-Probe-Id).</summary>
    [Required, RegularExpression("^X-[A-Za-z0-9-]+$", ErrorMessage = "must be an X- header name")]
    public string MarkerHeader { get; set; } = DefaultMarkerHeader;

    /// <summary>Cleanup refuses to delete more than this many leftovers in one folder (default 500): fail-safe keep.</summary>
    [Range(1, 100_000)]
    public int CleanupMaxMessages { get; set; } = DefaultCleanupMaxMessages;

    /// <summary>
    /// Trust only the Authentication-Results header whose authserv-id is this (your mail server's hostname), as
    /// RFC 8601 section 5 asks; empty takes the topmost header, which the receiving server added last.
    /// </summary>
    public string? AuthServId { get; set; }
}
