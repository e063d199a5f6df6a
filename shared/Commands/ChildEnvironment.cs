using System.Collections;
using System.Diagnostics;

namespace MailserverWorkers.Shared.Commands;

/// <summary>
/// The environment a worker's child process (doveadm, rsync, a hook) gets: only <c>PATH</c>, <c>HOME</c>,
/// <c>TMPDIR</c>, <c>TZ</c>, <c>LANG</c>, <c>LANGUAGE</c> and <c>LC_*</c> of the worker's own. Never its configuration
/// (<c>Section__Key</c>, <c>*File</c>), so never a secret: a hook that prints its environment prints none, and
/// neither <c>/proc/&lt;pid&gt;/environ</c> of rsync nor that of doveadm holds one.
/// </summary>
public static class ChildEnvironment
{
    private static readonly string[] Passed = ["PATH", "HOME", "TMPDIR", "TZ", "LANG", "LANGUAGE"];

    /// <summary>Replaces <paramref name="start"/>'s inherited environment with the minimal one.</summary>
    public static void ApplyTo(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Environment.Clear();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (Passed.Contains(name, StringComparer.Ordinal) || name.StartsWith("LC_", StringComparison.Ordinal))
            {
                start.Environment[name] = (string?)variable.Value;
            }
        }
    }
}
