namespace MailserverWorkers.HaproxyHealth;

/// <summary><c>imap</c>, <c>imaps</c>: the handshake where asked, a <c>* OK</c> greeting, then LOGOUT.</summary>
public sealed class ImapBannerCheck(TlsUpgrade tls) : IPathCheck
{
    public async Task SpeakAsync(Stream connection, TargetOptions target, CheckTimings timings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(timings);
        var stream = target.Protocol == PathProtocol.Imaps ? await tls.HandshakeAsync(connection, target, timings, cancellationToken) : connection;
        try
        {
            var lines = new ProtocolLines(stream);
            timings.AwaitingGreeting();
            var greeting = await lines.ReadLineAsync(cancellationToken, timings.GreetingArrived) ?? throw new PathCheckException("closed before the greeting");
            if (!greeting.StartsWith("* OK", StringComparison.Ordinal))
            {
                throw new PathCheckException($"greeting '{greeting}', not * OK");
            }

            try
            {
                await lines.WriteLineAsync("a LOGOUT", cancellationToken);
            }
            catch (IOException)
            {
            }
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
