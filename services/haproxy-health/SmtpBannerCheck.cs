namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// <c>smtp</c>, <c>smtp-starttls</c>, <c>smtps</c>: a correct 220 greeting, STARTTLS and the handshake where asked,
/// then QUIT. postscreen's greeting is multi-line with a pause in it (what made HAProxy's <c>option smtpchk</c> flap):
/// its first line is the banner; STARTTLS waits for the rest.
/// </summary>
public sealed class SmtpBannerCheck(TlsUpgrade tls) : IPathCheck
{
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromMilliseconds(500);

    public async Task SpeakAsync(Stream connection, TargetOptions target, CheckTimings timings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(timings);
        var stream = target.Protocol == PathProtocol.Smtps ? await tls.HandshakeAsync(connection, target, timings, cancellationToken) : connection;
        var lines = new ProtocolLines(stream);
        timings.AwaitingGreeting();
        var first = await lines.ReadLineAsync(cancellationToken, timings.GreetingArrived) ?? throw new PathCheckException("closed before the greeting");
        if (!first.StartsWith("220", StringComparison.Ordinal) || first.Length < 4 || first[3] is not (' ' or '-'))
        {
            throw new PathCheckException($"greeting '{first}', not 220");
        }

        if (first[3] == '-')
        {
            if (target.Protocol == PathProtocol.Smtp)
            {
                // postscreen's "220-": the rest follows its pregreet test (postscreen_greet_wait, 6 s for a client it
                // does not know). The greeting has begun, which is all a health check needs; speaking now would be a
                // pregreet, so it hangs up.
                return;
            }

            var rest = await lines.ReadSmtpReplyAsync(cancellationToken) ?? throw new PathCheckException("closed in the middle of the greeting");
            if (!rest[^1].StartsWith("220 ", StringComparison.Ordinal))
            {
                throw new PathCheckException($"greeting ended with '{rest[^1]}', not 220");
            }
        }
        if (target.Protocol == PathProtocol.SmtpStarttls)
        {
            await lines.WriteLineAsync("EHLO haproxy-health.invalid", cancellationToken);
            var ehlo = await lines.ReadSmtpReplyAsync(cancellationToken) ?? throw new PathCheckException("closed after EHLO");
            if (!ehlo.Any(l => l.Length > 4 && l[4..].StartsWith("STARTTLS", StringComparison.OrdinalIgnoreCase)))
            {
                throw new PathCheckException("the server does not offer STARTTLS");
            }

            await lines.WriteLineAsync("STARTTLS", cancellationToken);
            var ready = await lines.ReadSmtpReplyAsync(cancellationToken) ?? throw new PathCheckException("closed after STARTTLS");
            if (!ready[^1].StartsWith("220", StringComparison.Ordinal))
            {
                throw new PathCheckException($"STARTTLS answered '{ready[^1]}'");
            }

            if (lines.HasUnread)
            {
                // What a man in the middle would inject before the handshake, to be read as if it came through TLS.
                throw new PathCheckException("the server sent more after its STARTTLS reply, before the handshake");
            }

            stream = await tls.HandshakeAsync(stream, target, timings, cancellationToken);
            lines = new ProtocolLines(stream);
        }

        // Polite, not part of the verdict: the greeting (and the handshake) already were. A server that does not answer
        // QUIT, or resets, costs at most QuitTimeout and never fails the attempt.
        using var quit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quit.CancelAfter(QuitTimeout);
        try
        {
            await lines.WriteLineAsync("QUIT", quit.Token);
            await lines.ReadSmtpReplyAsync(quit.Token);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever QUIT met (silence, a reset, garbage, an endless reply).
        }
        finally
        {
            if (!ReferenceEquals(stream, connection))
            {
                await stream.DisposeAsync();
            }
        }
    }
}
