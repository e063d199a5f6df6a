using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Commands;

namespace MailserverWorkers.MailserverStats;

/// <summary>The <c>Stats__*</c> keys: which sources are read, where their tools run, and how long each may take.</summary>
public sealed class StatsOptions
{
    public const string SectionName = "Stats";

    /// <summary>Read Postfix's queue with <c>postqueue -j</c> (Postfix 3.1 or later).</summary>
    public bool Postfix { get; set; } = true;

    /// <summary>
    /// Read Dovecot's statistics with <c>doveadm -f json stats dump</c>: needs the stats-reader socket, which
    /// docker-mailserver disables (README, "mailserver-stats").
    /// </summary>
    public bool Dovecot { get; set; }

    /// <summary>Read Rspamd's counters with <c>rspamc -j stat</c> (from its controller, no password needed from the pod itself).</summary>
    public bool Rspamd { get; set; }

    /// <summary><c>local</c> (the tools beside the worker) or <c>kubernetes</c> (exec into the mail server's pod).</summary>
    public CommandRunnerKind Runner { get; set; } = CommandRunnerKind.Local;

    /// <summary>Limit of each source's command (default 30 s; a queue of 10,000 messages is read in well under one).</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Recipient domains of deferred mail named in the metrics; the others are counted as <c>other</c>.</summary>
    [Range(1, 100)]
    public int TopDomains { get; set; } = 10;

    /// <summary>Delay reasons (status codes) of deferred mail named in the metrics; the others are counted as <c>other</c>.</summary>
    [Range(1, 100)]
    public int TopReasons { get; set; } = 10;

    [Required]
    public string PostqueuePath { get; set; } = "postqueue";

    /// <summary>A Postfix configuration directory to pass as <c>postqueue -c</c> (empty: Postfix's default).</summary>
    public string? PostfixConfigDirectory { get; set; }

    [Required]
    public string DoveadmPath { get; set; } = "doveadm";

    /// <summary>A dovecot.conf to pass as <c>doveadm -c</c> (empty: doveadm's own default).</summary>
    public string? DovecotConfigFile { get; set; }

    [Required]
    public string RspamcPath { get; set; } = "rspamc";

    /// <summary>Rspamd's controller as <c>host:port</c> for <c>rspamc -h</c> (empty: rspamc's default, localhost:11334).</summary>
    public string? RspamdController { get; set; }

    /// <summary>The sources configured, in the order they are read.</summary>
    public IEnumerable<string> Sources()
    {
        if (Postfix)
        {
            yield return "postfix";
        }

        if (Dovecot)
        {
            yield return "dovecot";
        }

        if (Rspamd)
        {
            yield return "rspamd";
        }
    }
}
