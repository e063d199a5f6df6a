using System.Reflection;
using MailserverWorkers.BackupRunner;
using MailserverWorkers.HaproxyHealth;
using MailserverWorkers.RoundtripProbe;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Kubernetes;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Shared.Tls;
using MailserverWorkers.Shared.UptimeKuma;
using MailserverWorkers.SpamRetention;

namespace MailserverWorkers.Chart.Tests;

/// <summary>
/// Each worker's configuration contract, read from its own options classes: which environment variable names it
/// binds. A chart that sets a name no options class has would configure nothing, silently.
/// </summary>
internal static class WorkerContracts
{
    private static readonly Dictionary<string, Dictionary<string, Type>> Sections = new(StringComparer.Ordinal)
    {
        ["roundtrip-probe"] = Of((ProbeOptions.SectionName, typeof(ProbeOptions)), (SmtpOptions.SectionName, typeof(SmtpOptions)),
            (BrevoOptions.SectionName, typeof(BrevoOptions)), (ImapOptions.SectionName, typeof(ImapOptions)), (UptimeKumaOptions.SectionName, typeof(UptimeKumaOptions))),
        ["spam-retention"] = Of((RetentionOptions.SectionName, typeof(RetentionOptions)), (DovecotOptions.SectionName, typeof(DovecotOptions)),
            (KubernetesOptions.SectionName, typeof(KubernetesOptions)), (ImapOptions.SectionName, typeof(ImapOptions))),
        ["backup-runner"] = Of((BackupOptions.SectionName, typeof(BackupOptions)), (UptimeKumaOptions.SectionName, typeof(UptimeKumaOptions))),
        ["haproxy-health"] = Of((TargetSet.SectionName, typeof(TargetOptions)), (HaproxyOptions.SectionName, typeof(HaproxyOptions)),
            (PostfixLogOptions.SectionName, typeof(PostfixLogOptions)), (KubernetesOptions.SectionName, typeof(KubernetesOptions))),
    };

    /// <summary>Whether <paramref name="worker"/> binds the variable <paramref name="name"/> (its <c>File</c> form included).</summary>
    public static bool Binds(string worker, string name)
    {
        var parts = name.Split("__");
        if (parts.Length < 2 || !Sections[worker].TryGetValue(parts[0], out var type))
        {
            return false;
        }

        // Targets__<name>__<Key>: one options object per target name.
        var (key, depth) = parts[0] == TargetSet.SectionName ? (parts.ElementAtOrDefault(2), 3) : (parts[1], 2);
        if (key is null)
        {
            return false;
        }

        if (parts.Length == depth && SecretFiles.IsSecretFileKey(key, out var secret))
        {
            key = secret;
        }

        var property = type.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || (!property.CanWrite && !property.PropertyType.IsGenericType))
        {
            return false;
        }

        // A dictionary (Backup__Sources__<name>, Pushgateway__Labels__<name>) takes one more level.
        var isDictionary = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>);
        return parts.Length == depth + (isDictionary ? 1 : 0);
    }

    private static Dictionary<string, Type> Of(params (string Section, Type Type)[] sections)
    {
        // Every worker also reads the shared Pushgateway and TLS keys.
        var all = sections.Append((PushgatewayOptions.SectionName, typeof(PushgatewayOptions))).Append((TlsOptions.SectionName, typeof(TlsOptions)));
        return all.ToDictionary(s => s.Item1, s => s.Item2, StringComparer.Ordinal);
    }
}
