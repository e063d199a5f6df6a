using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.SpamRetention;

/// <summary>The <c>Retention__*</c> keys: which mailbox, through which backend, and the policy.</summary>
public sealed class RetentionOptions : IValidatableObject
{
    public const string SectionName = "Retention";

    /// <summary><c>dovecot</c> (doveadm, the default), <c>imap</c> or <c>maildir</c>.</summary>
    public RetentionBackendKind Backend { get; set; } = RetentionBackendKind.Dovecot;

    /// <summary>
    /// The mailbox owner, e.g. <c>spam@example.test</c> (doveadm -u; the maildir backend's force-resync). Exact: doveadm
    /// reads <c>*</c> and <c>?</c> in it as a mask of users, so they are refused.
    /// </summary>
    public string? User { get; set; }

    /// <summary>
    /// The mailbox (folder) to clean (default INBOX), as IMAP names it (<c>Junk</c>, <c>Archive/Spam</c>). Exact: doveadm
    /// reads <c>*</c> and <c>%</c> as patterns, and <c>.</c> or <c>..</c> would lead the maildir backend out of the Maildir,
    /// so pattern characters, empty, <c>.</c> and <c>..</c> segments and a leading <c>/</c> are refused.
    /// </summary>
    [Required]
    public string Mailbox { get; set; } = "INBOX";

    /// <summary>The Maildir root of the user (maildir backend), e.g. <c>/var/mail/example.test/spam</c>.</summary>
    public string? Maildir { get; set; }

    /// <summary>Automated mail older than this is deleted (default 14 days).</summary>
    [TimeSpanRange("01:00:00", "3650.00:00:00")]
    public TimeSpan AutomatedAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Other mail older than this is deleted (default 90 days).</summary>
    [TimeSpanRange("01:00:00", "3650.00:00:00")]
    public TimeSpan HumanAfter { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Refuse to delete more than this share of the mailbox in one run without --force (default 50).</summary>
    [Range(0, 100)]
    public double MaxDeletePercent { get; set; } = 50;

    /// <summary>Refuse to delete more than this many messages in one run without --force (default 5000).</summary>
    [Range(0, int.MaxValue)]
    public int MaxDelete { get; set; } = 5000;

    /// <summary>Headers whose presence (with a value) marks automated mail (comma-separated field names; default List-Unsubscribe).</summary>
    [Required]
    public string PresenceMarkers { get; set; } = "List-Unsubscribe";

    /// <summary>Precedence values that mark automated mail (comma-separated; default bulk,list,junk).</summary>
    [Required]
    public string PrecedenceValues { get; set; } = "bulk,list,junk";

    /// <summary>Auto-Submitted with any value but <c>no</c> marks automated mail (RFC 3834; default true).</summary>
    public bool AutoSubmitted { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Backend is RetentionBackendKind.Dovecot or RetentionBackendKind.Maildir && string.IsNullOrWhiteSpace(User))
        {
            yield return new ValidationResult($"required with Retention__Backend={Backend.ToString().ToLowerInvariant()}", [nameof(User)]);
        }

        if (Backend == RetentionBackendKind.Maildir && string.IsNullOrWhiteSpace(Maildir))
        {
            yield return new ValidationResult("required with Retention__Backend=maildir", [nameof(Maildir)]);
        }

        foreach (var failure in RetentionScope.Check(this))
        {
            yield return failure;
        }

        if (AutomatedAfter > HumanAfter)
        {
            yield return new ValidationResult($"must not exceed Retention__HumanAfter ({AutomatedAfter} > {HumanAfter})", [nameof(AutomatedAfter)]);
        }
    }
}
