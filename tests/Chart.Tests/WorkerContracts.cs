using System.Reflection;
using MailserverWorkers.BackupRunner;
using MailserverWorkers.HaproxyHealth;
using MailserverWorkers.MailserverStats;
using MailserverWorkers.RoundtripProbe;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.SpamRetention;

namespace MailserverWorkers.Chart.Tests;

/// <summary>
/// Each worker's configuration contract, read from the definition its program runs with (the sections its --help
/// lists): which environment variable names it binds. A chart that sets a name no options class has would configure
/// nothing, silently.
/// </summary>
internal static class WorkerContracts
{
    private static readonly Dictionary<string, WorkerDefinition> Workers = new[]
    {
        RoundtripProbeProgram.Definition, SpamRetentionProgram.Definition, BackupRunnerProgram.Definition, HaproxyHealthProgram.Definition,
        MailserverStatsProgram.Definition,
    }.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="worker"/> binds the variable <paramref name="name"/> (its <c>File</c> form included).</summary>
    public static bool Binds(string worker, string name)
    {
        var parts = name.Split("__");
        foreach (var section in Workers[worker].AllSections)
        {
            // A prefix is Smtp, or Targets__<name> (one options object per target name).
            var prefix = section.Prefix.Split("__");
            if (parts.Length <= prefix.Length || !prefix.Select((p, i) => p == "<name>" ? parts[i].Length > 0 : p == parts[i]).All(m => m))
            {
                continue;
            }

            var key = parts[prefix.Length];
            var depth = prefix.Length + 1;
            if (parts.Length == depth && SecretFiles.IsSecretFileKey(key, out var secret))
            {
                key = secret;
            }

            var property = section.Options.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !OptionsSection.IsKey(property))
            {
                return false;
            }

            // A dictionary (Backup__Sources__<name>, Pushgateway__Labels__<name>) takes one more level.
            var isDictionary = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>);
            return parts.Length == depth + (isDictionary ? 1 : 0);
        }

        return false;
    }
}
