using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A fake IMAP server the tests make on 127.0.0.1, for faults the real Dovecot will not produce on demand. It speaks
/// enough IMAP4rev1 (IDLE, UIDPLUS) for a whole round trip: any login, a folder INBOX holding the one message of a
/// <see cref="ScriptedMailbox"/> as UID 1 (it arrives 100 ms into an IDLE, which reports it; every later SEARCH finds
/// it while it is there), no
/// other folder; except at the step where <see cref="Fault"/> plays instead of the answer (<c>greeting</c>, a verb
/// after any <c>UID</c>, or <c>DONE</c> for the end of IDLE); a lie at <c>SEARCH</c> finds nothing.
/// </summary>
public sealed class ScriptedImapServer : LoopbackTcpServer
{
    private const string Capabilities = "IMAP4rev1 AUTH=PLAIN IDLE UIDPLUS";
    private readonly ScriptedMailbox mailbox;

    public ScriptedImapServer(PeerFault? fault = null, ScriptedMailbox? mailbox = null)
    {
        Fault = fault;
        this.mailbox = mailbox ?? new ScriptedMailbox();
        Start();
    }

    public PeerFault? Fault { get; }

    protected override async Task ConverseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        Task<bool> Faulted(string step, string arguments) => PeerFault.PlayAtAsync(Fault, step, arguments, client, stream, "* OK ", cancellationToken);

        if (await Faulted("greeting", ""))
        {
            return;
        }

        await Say($"* OK [CAPABILITY {Capabilities}] scripted ready");
        while (await ReadCommandAsync(reader, Say, cancellationToken) is { } line)
        {
            var parts = line.Split(' ', 3);
            var tag = parts[0];
            var verb = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
            var arguments = parts.Length > 2 ? parts[2] : "";
            if (verb == "UID")
            {
                var rest = arguments.Split(' ', 2);
                (verb, arguments) = (rest[0].ToUpperInvariant(), rest.Length > 1 ? rest[1] : "");
            }

            if (await Faulted(verb, arguments))
            {
                return;
            }

            // A lie at SEARCH: the mailbox looks empty to every search.
            var subject = Fault?.LiesAt(verb) == true && verb == "SEARCH" ? null : mailbox.Subject;
            switch (verb)
            {
                case "CAPABILITY":
                    await Say($"* CAPABILITY {Capabilities}");
                    await Say($"{tag} OK CAPABILITY done");
                    break;
                case "AUTHENTICATE" when !arguments.Contains(' ', StringComparison.Ordinal):
                    await Say("+ ");
                    await reader.ReadLineAsync(cancellationToken);
                    await Say($"{tag} OK [CAPABILITY {Capabilities}] logged in");
                    break;
                case "AUTHENTICATE" or "LOGIN":
                    await Say($"{tag} OK [CAPABILITY {Capabilities}] logged in");
                    break;
                case "LIST" when arguments.EndsWith("\"\"", StringComparison.Ordinal):
                    await Say("* LIST (\\Noselect) \"/\" \"\"");
                    await Say($"{tag} OK LIST done");
                    break;
                case "LIST":
                    var pattern = arguments.Split(' ')[^1].Trim('"');
                    if (pattern is "*" or "%" || pattern.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
                    {
                        await Say("* LIST (\\HasNoChildren) \"/\" INBOX");
                    }

                    await Say($"{tag} OK LIST done");
                    break;
                case "SELECT" or "EXAMINE":
                    await Say("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
                    await Say($"* {(subject is null ? 0 : 1)} EXISTS");
                    await Say("* 0 RECENT");
                    await Say("* OK [UIDVALIDITY 1] UIDs valid");
                    await Say("* OK [UIDNEXT 2] next UID");
                    await Say($"{tag} OK [{(verb == "SELECT" ? "READ-WRITE" : "READ-ONLY")}] {verb} done");
                    break;
                case "SEARCH":
                    await Say(subject is null ? "* SEARCH" : "* SEARCH 1");
                    await Say($"{tag} OK SEARCH done");
                    break;
                case "FETCH" when subject is not null:
                    await Say(FetchResponse(arguments, subject));
                    await Say($"{tag} OK FETCH done");
                    break;
                case "IDLE":
                    if (!await IdleAsync(tag, reader, Say, Faulted, cancellationToken))
                    {
                        return;
                    }

                    break;
                case "EXPUNGE" when subject is not null:
                    mailbox.Expunge();
                    await Say("* 1 EXPUNGE");
                    await Say($"{tag} OK EXPUNGE done");
                    break;
                case "LOGOUT":
                    await Say("* BYE scripted logging out");
                    await Say($"{tag} OK LOGOUT done");
                    return;
                default:
                    await Say($"{tag} OK {verb} done");
                    break;
            }
        }
    }

    /// <summary>Waits for DONE, telling the client of the message when it arrives; false when a fault ended the connection.</summary>
    private async Task<bool> IdleAsync(string tag, StreamReader reader, Func<string, Task> say, Func<string, string, Task<bool>> faulted, CancellationToken cancellationToken)
    {
        await say("+ idling");
        var told = mailbox.Subject is not null;
        var done = reader.ReadLineAsync(cancellationToken).AsTask();
        var arrival = Task.Delay(100, cancellationToken);
        while (!done.IsCompleted)
        {
            if (arrival.IsCompleted)
            {
                mailbox.ArriveWhileIdling();
            }

            if (!told && mailbox.Subject is not null)
            {
                await say("* 1 EXISTS");
                told = true;
            }

            await Task.WhenAny(done, Task.Delay(50, cancellationToken));
        }

        if (await done is null || await faulted("DONE", ""))
        {
            return false;
        }

        await say($"{tag} OK IDLE done");
        return true;
    }

    /// <summary>A command line, with any synchronising literal (<c>{n}</c>) read in after a continuation.</summary>
    private static async Task<string?> ReadCommandAsync(StreamReader reader, Func<string, Task> say, CancellationToken cancellationToken)
    {
        var line = await reader.ReadLineAsync(cancellationToken);
        var command = new StringBuilder();
        while (line is not null && line.EndsWith('}') && line.LastIndexOf('{') is var open and >= 0
               && int.TryParse(line.AsSpan(open + 1, line.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            await say("+ go ahead");
            var literal = new char[length];
            await reader.ReadBlockAsync(literal, cancellationToken);
            command.Append(line.AsSpan(0, open)).Append('"').Append(literal).Append('"');
            line = await reader.ReadLineAsync(cancellationToken);
        }

        return line is null ? null : command.Append(line).ToString();
    }

    /// <summary>UID 1's answer to what was asked: its envelope (the cleaner) or INTERNALDATE and header fields (the watcher).</summary>
    private static string FetchResponse(string arguments, string subject)
    {
        var items = new List<string> { "UID 1" };
        if (arguments.Contains("INTERNALDATE", StringComparison.OrdinalIgnoreCase))
        {
            items.Add($"INTERNALDATE \"{DateTimeOffset.UtcNow.ToString("dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture)} +0000\"");
        }

        if (arguments.Contains("ENVELOPE", StringComparison.OrdinalIgnoreCase))
        {
            var quoted = subject.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            items.Add($"ENVELOPE (\"{DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)}\" \"{quoted}\" NIL NIL NIL NIL NIL NIL NIL NIL)");
        }

        var section = arguments.IndexOf("BODY.PEEK[", StringComparison.OrdinalIgnoreCase);
        if (section >= 0)
        {
            var end = arguments.IndexOf(']', section);
            items.Add($"BODY[{arguments[(section + 10)..end]}] {{2}}\r\n\r\n");
        }

        return $"* 1 FETCH ({string.Join(' ', items)})";
    }
}
