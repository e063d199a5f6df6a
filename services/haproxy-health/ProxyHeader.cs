using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// The PROXY protocol header HAProxy sends first on a connection (haproxy's doc/proxy-protocol.txt): version 1, one
/// text line; version 2, a binary block of signature, version and command, family, length and addresses.
/// </summary>
public static class ProxyHeader
{
    /// <summary>The 12 bytes every version 2 header starts with.</summary>
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>"PROXY TCP4 203.0.113.10 127.0.0.1 40000 25\r\n".</summary>
    public static byte[] V1(IPEndPoint source, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var family = source.AddressFamily == AddressFamily.InterNetworkV6 ? "TCP6" : "TCP4";
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"PROXY {family} {source.Address} {destination.Address} {source.Port} {destination.Port}\r\n"));
    }

    /// <summary>
    /// Signature; 0x21 (version 2, command PROXY); 0x11 (TCP over IPv4) or 0x21 (TCP over IPv6); the length of what
    /// follows, big-endian; source address, destination address, source port, destination port, big-endian.
    /// </summary>
    public static byte[] V2(IPEndPoint source, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var ipv6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = ipv6 ? 16 : 4;
        var payload = (2 * addressLength) + 4;
        var header = new byte[16 + payload];
        V2Signature.CopyTo(header);
        header[12] = 0x21;
        header[13] = (byte)(ipv6 ? 0x21 : 0x11);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)payload);
        source.Address.TryWriteBytes(header.AsSpan(16, addressLength), out _);
        destination.Address.TryWriteBytes(header.AsSpan(16 + addressLength, addressLength), out _);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + (2 * addressLength)), (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + (2 * addressLength)), (ushort)destination.Port);
        return header;
    }
}
