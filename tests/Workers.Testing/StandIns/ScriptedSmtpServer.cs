using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A fake SMTP server the tests make on 127.0.0.1, for faults the real Postfix will not produce on demand: a plain
/// ESMTP dialogue that accepts every message with 250 (and hands its Subject to a <see cref="ScriptedMailbox"/>), except
/// at the step where <see cref="Fault"/> plays instead of the answer (<c>greeting</c>, a verb, or <c>.</c> for the end
/// of the message); a lie at <c>.</c> answers 250 and drops the message.
/// </summary>
public sealed class ScriptedSmtpServer : LoopbackTcpServer
{
    private readonly ScriptedMailbox? mailbox;
    private int accepted;

    public ScriptedSmtpServer(PeerFault? fault = null, ScriptedMailbox? mailbox = null)
    {
        Fault = fault;
        this.mailbox = mailbox;
        Start();
    }

    public PeerFault? Fault { get; }

    /// <summary>Messages the server answered 250 after DATA.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    protected override async Task ConverseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        Task<bool> Faulted(string step, string arguments) => PeerFault.PlayAtAsync(Fault, step, arguments, client, stream, "250-", cancellationToken);

        if (await Faulted("greeting", ""))
        {
            return;
        }

        await Say("220 scripted.test ESMTP");
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var parts = line.Split(' ', 2);
            var (verb, arguments) = (parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1] : "");
            if (await Faulted(verb, arguments))
            {
                return;
            }

            switch (verb)
            {
                case "EHLO" or "HELO":
                    await Say("250-scripted.test");
                    await Say("250-STARTTLS");
                    await Say("250 8BITMIME");
                    break;
                case "STARTTLS":
                    // Offered so a client gets as far as asking; this peer has no TLS.
                    await Say("454 4.7.0 TLS not available");
                    break;
                case "DATA":
                    await Say("354 go ahead");
                    string? subject = null;
                    while (await reader.ReadLineAsync(cancellationToken) is { } data && data != ".")
                    {
                        subject ??= data.StartsWith("Subject: ", StringComparison.OrdinalIgnoreCase) ? data[9..] : null;
                    }

                    if (await Faulted(".", ""))
                    {
                        return;
                    }

                    if (Fault?.LiesAt(".") != true)
                    {
                        mailbox?.Deliver(subject ?? "");
                    }

                    Interlocked.Increment(ref accepted);
                    await Say("250 2.0.0 Ok: queued as SCRIPTED");
                    break;
                case "QUIT":
                    await Say("221 2.0.0 Bye");
                    return;
                default:
                    await Say("250 2.0.0 Ok");
                    break;
            }
        }
    }
}
