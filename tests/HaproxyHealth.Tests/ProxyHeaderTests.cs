using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>The PROXY header, byte for byte as haproxy's doc/proxy-protocol.txt lays it out, and on the wire.</summary>
public sealed class ProxyHeaderTests
{
    private static readonly IPEndPoint Source = new(IPAddress.Parse("203.0.113.10"), 40000);
    private static readonly IPEndPoint Destination = new(IPAddress.Parse("127.0.0.1"), 25);

    [Fact]
    public void V2_Ipv4_IsSignature_VersionCommand_Family_Length_Addresses_Ports()
    {
        byte[] expected =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, // "\r\n\r\n\0\r\nQUIT\n"
            0x21, // version 2 (high nibble), command PROXY (low nibble)
            0x11, // AF_INET (high nibble), STREAM (low nibble)
            0x00, 0x0C, // 12 bytes follow, big-endian
            203, 0, 113, 10, // source address
            127, 0, 0, 1, // destination address
            0x9C, 0x40, // source port 40000
            0x00, 0x19, // destination port 25
        ];

        Assert.Equal(expected, ProxyHeader.V2(Source, Destination));
    }

    [Fact]
    public void V2_Ipv6_Has36BytesOfAddresses()
    {
        var header = ProxyHeader.V2(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1234), new IPEndPoint(IPAddress.IPv6Loopback, 587));

        Assert.Equal(16 + 36, header.Length);
        Assert.Equal([0x21, 0x21, 0x00, 0x24], header[12..16]);
        Assert.Equal(IPAddress.Parse("2001:db8::7").GetAddressBytes(), header[16..32]);
        Assert.Equal(IPAddress.IPv6Loopback.GetAddressBytes(), header[32..48]);
        Assert.Equal([0x04, 0xD2, 0x02, 0x4B], header[48..52]);
    }

    [Fact]
    public void V1_IsOneLine() =>
        Assert.Equal("PROXY TCP4 203.0.113.10 127.0.0.1 40000 25\r\n"u8.ToArray(), ProxyHeader.V1(Source, Destination));

    [Fact]
    public async Task TheProberSendsExactlyThatHeader_FirstThingOnTheConnection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var target = new TargetOptions { Host = "127.0.0.1", Port = port, Proxy = ProxyVersion.V2, Protocol = PathProtocol.Tcp, ProxySourceAddress = "198.51.100.23", ProxySourcePort = 51234 };
        var prober = HealthParts.Prober();

        var attempt = prober.AttemptAsync(target, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync();
        var received = new byte[28];
        await accepted.GetStream().ReadExactlyAsync(received);

        Assert.True((await attempt).Succeeded);
        Assert.Equal(ProxyHeader.V2Signature.ToArray(), received[..12]);
        Assert.Equal([0x21, 0x11, 0x00, 0x0C], received[12..16]);
        Assert.Equal([198, 51, 100, 23, 127, 0, 0, 1], received[16..24]);
        Assert.Equal([0xC8, 0x22, (byte)(port >> 8), (byte)port], received[24..28]);
    }

    [Fact]
    public async Task TheV1Line_IsWhatTheProberSends_FirstThingOnTheConnection_WithTheDestinationItWasGiven()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // The destination the header claims, given (as behind a NodePort: the address the client dialled, not the pod's).
        var target = new TargetOptions
        {
            Host = "127.0.0.1", Port = port, Proxy = ProxyVersion.V1, Protocol = PathProtocol.Tcp, ProxySourceAddress = "198.51.100.23", ProxySourcePort = 51234,
            ProxyDestinationAddress = "192.0.2.25", ProxyDestinationPort = 25,
        };
        var prober = HealthParts.Prober();

        var attempt = prober.AttemptAsync(target, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync();
        var expected = System.Text.Encoding.ASCII.GetBytes("PROXY TCP4 198.51.100.23 192.0.2.25 51234 25\r\n");
        var received = new byte[expected.Length];
        await accepted.GetStream().ReadExactlyAsync(received);

        Assert.True((await attempt).Succeeded);
        Assert.Equal(expected, received);
    }
}
