using System.ComponentModel;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>Values of <c>Targets__&lt;name&gt;__Expect</c>: <c>accept</c>, <c>reject-without-proxy</c>.</summary>
[TypeConverter(typeof(ConfigurationEnumConverter))]
public enum TargetExpectation
{
    Accept,
    RejectWithoutProxy,
}
