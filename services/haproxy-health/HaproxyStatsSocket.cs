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
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(options.Value.StatsSocket!), limit.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync("show stat\n"u8.ToArray(), limit.Token);
        return await BoundedAnswer.ReadAsync(stream, limit.Token);
    }
}
