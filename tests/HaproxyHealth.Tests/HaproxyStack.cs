using System.Net.Sockets;
using System.Text;
using MailserverWorkers.Testing;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>Tests that read or change HAProxy's state run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HaproxyStackCollection
{
    public const string Name = "haproxy";
}

/// <summary>The HAProxy of scripts/mailstack: its ports, its runtime API, and the Postfix log beside it.</summary>
internal static class HaproxyStack
{
    public static MailStack Stack => MailStack.Instance;

    public static int Port(string key) => int.Parse(Stack[key], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends one command to HAProxy's runtime API (the stats socket) and returns its answer.</summary>
    public static async Task<string> RuntimeApiAsync(string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Stack["MAILSTACK_HAPROXY_STATS_SOCKET"]));
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\n"));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Polls HAProxy's stats until <paramref name="backend"/>/<paramref name="server"/> has a status starting with <paramref name="status"/>.</summary>
    public static async Task WaitForStatusAsync(string backend, string server, string status)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var servers = HaproxyServerStatus.ParseCsv(await RuntimeApiAsync("show stat"));
            if (servers.Any(s => s.Backend == backend && s.Server == server && s.Status.StartsWith(status, StringComparison.Ordinal)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"{backend}/{server} did not become {status}");
            await Task.Delay(200);
        }
    }

    /// <summary>The lines the stack's Postfix logged after <paramref name="offset"/> (a length of the log file taken before).</summary>
    public static string PostfixLogSince(long offset)
    {
        using var file = new FileStream(Stack["MAILSTACK_MAIL_LOG"], FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(offset, SeekOrigin.Begin);
        return new StreamReader(file).ReadToEnd();
    }

    public static long PostfixLogLength() => new FileInfo(Stack["MAILSTACK_MAIL_LOG"]).Length;
}
