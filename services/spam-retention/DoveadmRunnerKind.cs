using System.ComponentModel;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.SpamRetention;

/// <summary>Values of <c>Dovecot__Runner</c>.</summary>
[TypeConverter(typeof(ConfigurationEnumConverter))]
public enum DoveadmRunnerKind
{
    Local,
    Kubernetes,
}
