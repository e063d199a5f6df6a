using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.Testing;

/// <summary>Ports on 127.0.0.1 for fault tests.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nothing listens on: bound, then released (connections to it are refused).</summary>
    public static int Closed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
