using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A fake IMAP server the tests make on 127.0.0.1, for faults the real Dovecot will not produce on demand: it greets,
/// accepts any login (LOGIN or AUTHENTICATE PLAIN), lists INBOX, answers every other command OK, and never answers a
/// LIST whose pattern contains <see cref="StallOnList"/> (the connection stays open until the test ends).
/// </summary>
public sealed class ScriptedImapServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<TcpClient> clients = [];
    private readonly Task accepting;

    public ScriptedImapServer(string stallOnList)
    {
        StallOnList = stallOnList;
        listener.Start();
        accepting = AcceptAsync();
    }

    public string StallOnList { get; }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

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
            await Say("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] scripted ready");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var parts = line.Split(' ', 3);
                var (tag, verb) = (parts[0], parts.Length > 1 ? parts[1].ToUpperInvariant() : "");
                switch (verb)
                {
                    case "CAPABILITY":
                        await Say("* CAPABILITY IMAP4rev1 AUTH=PLAIN");
                        await Say($"{tag} OK CAPABILITY done");
                        break;
                    case "AUTHENTICATE" when parts.Length > 2 && !parts[2].Contains(' ', StringComparison.Ordinal):
                        await Say("+ ");
                        await reader.ReadLineAsync(stop.Token);
                        await Say($"{tag} OK [CAPABILITY IMAP4rev1] logged in");
                        break;
                    case "AUTHENTICATE" or "LOGIN":
                        await Say($"{tag} OK [CAPABILITY IMAP4rev1] logged in");
                        break;
                    case "LIST" when parts.Length > 2 && parts[2].Contains(StallOnList, StringComparison.OrdinalIgnoreCase):
                        await Task.Delay(Timeout.Infinite, stop.Token);
                        return;
                    case "LIST" when parts.Length > 2 && parts[2].EndsWith("\"\"", StringComparison.Ordinal):
                        await Say("* LIST (\\Noselect) \"/\" \"\"");
                        await Say($"{tag} OK LIST done");
                        break;
                    case "LIST":
                        await Say("* LIST (\\HasNoChildren) \"/\" INBOX");
                        await Say($"{tag} OK LIST done");
                        break;
                    case "LOGOUT":
                        await Say("* BYE");
                        await Say($"{tag} OK LOGOUT done");
                        return;
                    default:
                        await Say($"{tag} OK done");
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
