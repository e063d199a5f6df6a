using System.ComponentModel;
using MailserverWorkers.Shared.Configuration;
namespace MailserverWorkers.RoundtripProbe;

/// <summary>Values of <c>Probe__Sender</c>.</summary>
[TypeConverter(typeof(ConfigurationEnumConverter))]
public enum ProbeSenderKind
{
    /// <summary>SMTP submission with MailKit.</summary>
    Smtp,

    /// <summary>Brevo's transactional email API.</summary>
    Brevo,
}
