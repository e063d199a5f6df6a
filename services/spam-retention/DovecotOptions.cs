using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Commands;

namespace MailserverWorkers.SpamRetention;

/// <summary>The <c>Dovecot__*</c> keys: how doveadm is run.</summary>
public sealed class DovecotOptions
{
    public const string SectionName = "Dovecot";

    /// <summary><c>local</c> (a doveadm beside the worker) or <c>kubernetes</c> (exec into the mail server's pod).</summary>
    public CommandRunnerKind Runner { get; set; } = CommandRunnerKind.Local;

    /// <summary>The doveadm program (default doveadm, found on PATH).</summary>
    [Required]
    public string DoveadmPath { get; set; } = "doveadm";

    /// <summary>A dovecot.conf to pass as <c>doveadm -c</c> (empty: doveadm's own default).</summary>
    public string? ConfigFile { get; set; }

    /// <summary>Limit of one doveadm command (default 10 minutes; a fetch of 100,000 messages takes seconds).</summary>
    [TimeSpanRange("00:00:01", "02:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
}
