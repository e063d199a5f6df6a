using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A fake SMTP server the tests make on 127.0.0.1 (a fault the real Postfix will not produce on demand): a plain
/// ESMTP dialogue that accepts every message with 250, and then, unless <see cref="AnswerQuit"/>, never answers QUIT
/// (the connection stays open until the test ends): the "250 then silence" of a lying peer.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<TcpClient> clients = [];
    private readonly Task accepting;
    private int accepted;

    public ScriptedSmtpServer(bool answerQuit = false)
    {
        AnswerQuit = answerQuit;
        listener.Start();
        accepting = AcceptAsync();
    }

    public bool AnswerQuit { get; }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Messages the server answered 250 after DATA.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (clients)
            {
                clients.Add(client);
            }

            _ = Task.Run(() => ConverseAsync(client));
        }
    }

    private async Task ConverseAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), stop.Token);
            await Say("220 scripted.test ESMTP");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await Say("250-scripted.test");
                        await Say("250 8BITMIME");
                        break;
                    case "DATA":
                        await Say("354 go ahead");
                        while (await reader.ReadLineAsync(stop.Token) is { } data && data != ".")
                        {
                        }

                        Interlocked.Increment(ref accepted);
                        await Say("250 2.0.0 Ok: queued as SCRIPTED");
                        break;
                    case "QUIT" when AnswerQuit:
                        await Say("221 2.0.0 Bye");
                        return;
                    case "QUIT":
                        // Silence, the connection left open.
                        await Task.Delay(Timeout.Infinite, stop.Token);
                        return;
                    default:
                        await Say("250 2.0.0 Ok");
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        lock (clients)
        {
            clients.ForEach(c => c.Dispose());
        }

        await accepting;
        stop.Dispose();
    }
}
