namespace MailserverWorkers.HaproxyHealth;

/// <summary>Values of <c>Targets__&lt;name&gt;__Proxy</c>: <c>none</c>, <c>v1</c>, <c>v2</c>.</summary>
public enum ProxyVersion
{
    None,
    V1,
    V2,
}
