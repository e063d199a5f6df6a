using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// The <c>PostfixLog__*</c> keys: count Postfix <c>fatal:</c> lines in the mail server pod's log over a window, read
/// through the Kubernetes API (pods/log; the pod by the shared <c>Kubernetes__*</c> keys). The figure that exposed
/// the PROXY health-check fault: an smtpd dying on every check.
/// </summary>
public sealed class PostfixLogOptions
{
    public const string SectionName = "PostfixLog";

    public bool Enabled { get; set; }

    /// <summary>How far back to count (the API's sinceSeconds; default 10 minutes).</summary>
    [TimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>More fatal lines than this in the window fail the run (default 0: any).</summary>
    [Range(0, int.MaxValue)]
    public int MaxFatalLines { get; set; }
}
