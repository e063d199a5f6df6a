namespace MailserverWorkers.HaproxyHealth;

/// <summary>Values of <c>Targets__&lt;name&gt;__Expect</c>: <c>accept</c>, <c>reject-without-proxy</c>.</summary>
public enum TargetExpectation
{
    Accept,
    RejectWithoutProxy,
}
