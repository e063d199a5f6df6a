using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Tls;
using MailserverWorkers.Testing;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>The worker's checks, wired as the host wires them, trusting the mail stack's CA.</summary>
internal static class HealthParts
{
    public static PathProber Prober()
    {
        var tls = new TlsUpgrade(Options.Create(new TlsOptions { CaFile = MailStack.Instance.CaFile }), TimeProvider.System);
        return new PathProber(new TcpConnectCheck(), new SmtpBannerCheck(tls), new ImapBannerCheck(tls), TimeProvider.System);
    }

    public static TargetOptions Target(string portKeyOrNumber, string protocol, string proxy = "none", string expect = "accept") => new()
    {
        Host = "127.0.0.1",
        Port = int.TryParse(portKeyOrNumber, out var port) ? port : HaproxyStack.Port(portKeyOrNumber),
        // Read as the configuration reads them.
        Protocol = (PathProtocol)ConfigurationEnums.Parse(typeof(PathProtocol), protocol),
        Proxy = (ProxyVersion)ConfigurationEnums.Parse(typeof(ProxyVersion), proxy),
        Expect = (TargetExpectation)ConfigurationEnums.Parse(typeof(TargetExpectation), expect),
        Timeout = TimeSpan.FromSeconds(expect == "accept" ? 5 : 8),
    };
}
