using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// STAND-IN for an IMAP server that differs from the stack's Dovecot in one respect: it relays every connection to
/// the real Dovecot (plain IMAP) and passes each line Dovecot sends through <see cref="Rewrite"/>, which sees the
/// client's last command line too. So a test can take UIDPLUS out of the capabilities, or make a FETCH answer lie,
/// while everything else is Dovecot's own.
/// </summary>
public sealed class ImapRewritingProxy : LoopbackTcpServer
{
    private readonly int target;

    public ImapRewritingProxy(int dovecotImapPort, Func<string, string, string> rewrite)
    {
        target = dovecotImapPort;
        Rewrite = rewrite;
        Start();
    }

    /// <summary>(server line without its CRLF, the client's last command line) to the line sent on.</summary>
    public Func<string, string, string> Rewrite { get; }

    protected override async Task ConverseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        using var server = new TcpClient();
        await server.ConnectAsync("127.0.0.1", target, cancellationToken);
        var lastCommand = "";
        var toServer = Relay(client.GetStream(), server.GetStream(), line => { lastCommand = line; return line; }, cancellationToken);
        var toClient = Relay(server.GetStream(), client.GetStream(), line => Rewrite(line, Volatile.Read(ref lastCommand)), cancellationToken);
        await Task.WhenAny(toServer, toClient);
    }

    /// <summary>Copies line by line (bytes as Latin-1, so none changes unless rewritten), each line through <paramref name="map"/>.</summary>
    private static async Task Relay(NetworkStream from, NetworkStream to, Func<string, string> map, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            pending.AddRange(buffer.AsSpan(0, read).ToArray());
            int end;
            while ((end = pending.IndexOf((byte)'\n')) >= 0)
            {
                var line = Encoding.Latin1.GetString([.. pending.Take(end + 1)]);
                pending.RemoveRange(0, end + 1);
                var body = line.TrimEnd('\r', '\n');
                var mapped = map(body) + line[body.Length..];
                await to.WriteAsync(Encoding.Latin1.GetBytes(mapped), cancellationToken);
            }
        }
    }
}
