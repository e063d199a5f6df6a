using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A fake IMAP server the tests make on 127.0.0.1, for faults the real Dovecot will not produce on demand: it greets,
/// accepts any login (LOGIN or AUTHENTICATE PLAIN), lists INBOX, answers every other command OK, and never answers a
/// LIST whose pattern contains <see cref="StallOnList"/> (the connection stays open until the test ends).
/// </summary>
public sealed class ScriptedImapServer : LoopbackTcpServer
{
    public ScriptedImapServer(string stallOnList)
    {
        StallOnList = stallOnList;
        Start();
    }

    public string StallOnList { get; }

    protected override async Task ConverseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        await Say("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] scripted ready");
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
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
                    await reader.ReadLineAsync(cancellationToken);
                    await Say($"{tag} OK [CAPABILITY IMAP4rev1] logged in");
                    break;
                case "AUTHENTICATE" or "LOGIN":
                    await Say($"{tag} OK [CAPABILITY IMAP4rev1] logged in");
                    break;
                case "LIST" when parts.Length > 2 && parts[2].Contains(StallOnList, StringComparison.OrdinalIgnoreCase):
                    await Task.Delay(Timeout.Infinite, cancellationToken);
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
}
