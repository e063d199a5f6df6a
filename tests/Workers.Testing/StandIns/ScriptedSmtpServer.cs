using System.Net.Sockets;
using System.Text;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A fake SMTP server the tests make on 127.0.0.1 (a fault the real Postfix will not produce on demand): a plain
/// ESMTP dialogue that accepts every message with 250, and then, unless <see cref="AnswerQuit"/>, never answers QUIT
/// (the connection stays open until the test ends): the "250 then silence" of a lying peer.
/// </summary>
public sealed class ScriptedSmtpServer : LoopbackTcpServer
{
    private int accepted;

    public ScriptedSmtpServer(bool answerQuit = false)
    {
        AnswerQuit = answerQuit;
        Start();
    }

    public bool AnswerQuit { get; }

    /// <summary>Messages the server answered 250 after DATA.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    protected override async Task ConverseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        async Task Say(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), cancellationToken);
        await Say("220 scripted.test ESMTP");
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
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
                    while (await reader.ReadLineAsync(cancellationToken) is { } data && data != ".")
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
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    return;
                default:
                    await Say("250 2.0.0 Ok");
                    break;
            }
        }
    }
}
