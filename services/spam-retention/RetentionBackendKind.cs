using System.ComponentModel;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.SpamRetention;

/// <summary>Values of <c>Retention__Backend</c>.</summary>
[TypeConverter(typeof(ConfigurationEnumConverter))]
public enum RetentionBackendKind
{
    Dovecot,
    Imap,
    Maildir,
}
