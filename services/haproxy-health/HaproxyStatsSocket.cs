using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>The stats socket: one <c>show stat</c> command; HAProxy answers and closes (non-interactive mode).</summary>
public sealed class HaproxyStatsSocket(IOptions<HaproxyOptions> options) : IHaproxyStatsSource
{
    public string Describe() => $"stats socket {options.Value.StatsSocket}";

    public async Task<string> ReadCsvAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.Value.Timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var path = options.Value.StatsSocket!;
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), limit.Token);
        }
        catch (SocketException e)
        {
            // .NET words ENOENT on a Unix socket as "Cannot assign requested address": say what is missing.
            throw new IOException(e.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when !File.Exists(path) => $"{path} does not exist (is HAProxy's stats socket mounted here?)",
                SocketError.ConnectionRefused => $"nothing listens on {path} (HAProxy not running, or a stale socket file)",
                SocketError.AccessDenied => $"no permission to connect to {path}",
                _ => $"cannot connect to {path}: {e.Message}",
            }, e);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync("show stat\n"u8.ToArray(), limit.Token);
        return await BoundedAnswer.ReadAsync(stream, limit.Token);
    }
}
