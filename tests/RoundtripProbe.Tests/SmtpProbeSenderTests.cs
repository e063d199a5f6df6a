using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using MailserverWorkers.Testing.StandIns;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>The SMTP sender against a scripted peer on loopback: what the real Postfix will not do on demand.</summary>
public sealed class SmtpProbeSenderTests
{
    [Fact]
    public async Task AMailTheServerAccepted_IsSent_ThoughItNeverAnswersQuit()
    {
        await using var server = new ScriptedSmtpServer(new PeerFault("QUIT", PeerFaultKind.Stall));
        var sender = new SmtpProbeSender(
            Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = server.Port, Security = MailSecurity.None, Timeout = TimeSpan.FromSeconds(20) }),
            Options.Create(new TlsOptions()),
            NullLogger<SmtpProbeSender>.Instance);
        var mail = ProbeMail.Create(new ProbeOptions { From = "probe@example.test", To = "probe@example.test" }, TimeProvider.System);

        // Bounded by the test, not asserted on: without its own bound the QUIT would wait for Smtp__Timeout (20 s) and fail the send.
        var send = sender.SendAsync(mail, Task.CompletedTask, CancellationToken.None);
        var finished = await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(15)));

        Assert.Same(send, finished);
        await send;
        Assert.Equal(1, server.Accepted);
    }
}
