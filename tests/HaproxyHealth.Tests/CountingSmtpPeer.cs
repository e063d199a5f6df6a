using System.Net.Sockets;
using System.Text;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>Greets after 300 ms (so that connections overlap), answers EHLO and QUIT, counts connections open at once.</summary>
internal sealed class CountingSmtpPeer : LoopbackTcpServer
{
    private readonly bool refuseEverySecond;
    private int open;
    private int mostAtOnce;
    private int connections;

    public CountingSmtpPeer(bool refuseEverySecond)
    {
        this.refuseEverySecond = refuseEverySecond;
        Start();
    }

    public int MostAtOnce => Volatile.Read(ref mostAtOnce);

    public int Connections => Volatile.Read(ref connections);

    protected override async Task ConverseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref connections);
        var now = Interlocked.Increment(ref open);
        int seen;
        while (now > (seen = Volatile.Read(ref mostAtOnce)) && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen)
        {
        }

        // A connection stops counting before its last answer goes out (221, or the refusal): the client may open the
        // next one as soon as that answer arrives, before this continuation would run again on a loaded machine.
        var counted = 1;
        void Closing()
        {
            if (Interlocked.Exchange(ref counted, 0) == 1)
            {
                Interlocked.Decrement(ref open);
            }
        }

        try
        {
            await Task.Delay(300, cancellationToken);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
            if (refuseEverySecond && number % 2 == 0)
            {
                Closing();
                await Say("554 5.7.1 peer.example: no service for you");
                return;
            }

            await Say("220 peer.example ESMTP");
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase))
                {
                    Closing();
                    await Say("221 2.0.0 Bye");
                    return;
                }

                await Say("250 peer.example");
            }
        }
        finally
        {
            Closing();
        }
    }
}
