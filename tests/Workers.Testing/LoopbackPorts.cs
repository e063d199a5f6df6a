using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.Testing;

/// <summary>Ports on 127.0.0.1 for fault tests.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A port nothing listens on: bound, released, then checked to refuse a connection; another port is tried (up
    /// to ten) when something took it in between.
    /// </summary>
    public static int Closed()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Connect(IPAddress.Loopback, port);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return port;
            }
        }

        throw new InvalidOperationException("no closed port on 127.0.0.1 after ten tries");
    }
}
