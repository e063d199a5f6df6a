using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// One attempt on a target: connect, send the PROXY header it is configured with, then let its protocol's
/// <see cref="IPathCheck"/> speak; or, for <c>reject-without-proxy</c>, send nothing and require a refusal. Every
/// step is bounded by the target's Timeout.
/// </summary>
public sealed class PathProber(TcpConnectCheck tcp, SmtpBannerCheck smtp, ImapBannerCheck imap, TimeProvider time)
{
    /// <summary>One attempt, the host resolved inside it (as a client would; --check and single attempts).</summary>
    public Task<PathAttempt> AttemptAsync(TargetOptions target, CancellationToken cancellationToken) => AttemptAsync(target, null, cancellationToken);

    /// <summary>
    /// One attempt to <paramref name="addresses"/>, resolved once beforehand, so that the connect phase is the TCP
    /// connect alone (null: the host, resolved inside the attempt).
    /// </summary>
    public async Task<PathAttempt> AttemptAsync(TargetOptions target, IPAddress[]? addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(target.Timeout);
        var started = time.GetTimestamp();
        var timings = new CheckTimings(time, started);
        TimeSpan? connected = null;
        string? error, refusal = null;
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (addresses is null)
            {
                await socket.ConnectAsync(target.Host!, target.Port, limit.Token);
            }
            else
            {
                await socket.ConnectAsync(addresses, target.Port, limit.Token);
            }

            connected = timings.Elapsed;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            if (target.Proxy != ProxyVersion.None)
            {
                await stream.WriteAsync(Header(target, (IPEndPoint)socket.RemoteEndPoint!), limit.Token);
            }

            if (target.ExpectRejection)
            {
                refusal = await ExpectRefusalAsync(stream, limit.Token);
            }
            else
            {
                await CheckFor(target.Protocol).SpeakAsync(stream, target, timings, limit.Token);
            }

            error = null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = connected is null ? $"no connection within {target.Timeout}"
                : target.ExpectRejection ? $"neither refused nor closed within {target.Timeout} (a PROXY listener answers 421 or closes; is Timeout above Postfix's *_upstream_proxy_timeout?)"
                : $"no answer within {target.Timeout}";
        }
        catch (SocketException e) when (target.ExpectRejection && e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // A listener that resets the connection as soon as the kernel completed it (HAProxy's "tcp-request
            // connection reject", a PROXY-only listener) may do it before or after the connect returned: either is a refusal.
            error = null;
            refusal = "reset";
        }
        catch (SocketException e)
        {
            // A reset right after the accept can surface from the connect itself (seen on loopback): the same words
            // as a reset met while reading.
            error = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.ConnectionReset => $"connection lost: {e.Message}",
                _ => e.Message,
            };
        }
        catch (IOException e)
        {
            // The socket's own words, as when the same reset surfaces from the connect: "Connection reset by peer" either
            // way, so that a target's errors group by cause whichever moment the reset met.
            error = $"connection lost: {(e.InnerException as SocketException)?.Message ?? e.Message}";
        }
        catch (PathCheckException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else fails this attempt with its own words; the run goes on and reports every target.
            error = $"{e.GetType().Name}: {e.Message}";
        }

        return new PathAttempt(error is null, error, connected, timings.Banner, timings.Greeting, timings.TlsHandshake, timings.CertificateNotAfter, timings.Elapsed, refusal);
    }

    /// <summary>The PROXY header: the configured client, and the address actually connected to unless configured.</summary>
    public static byte[] Header(TargetOptions target, IPEndPoint connectedTo)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(connectedTo);
        var source = new IPEndPoint(IPAddress.Parse(target.ProxySourceAddress), target.ProxySourcePort);
        var remote = connectedTo.Address.IsIPv4MappedToIPv6 ? connectedTo.Address.MapToIPv4() : connectedTo.Address;
        var destinationAddress = target.ProxyDestinationAddress is { } configured ? IPAddress.Parse(configured)
            : remote.AddressFamily == source.AddressFamily ? remote
            : source.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        var destination = new IPEndPoint(destinationAddress, target.ProxyDestinationPort > 0 ? target.ProxyDestinationPort : target.Port);
        return target.Proxy == ProxyVersion.V1 ? ProxyHeader.V1(source, destination) : ProxyHeader.V2(source, destination);
    }

    private IPathCheck CheckFor(PathProtocol protocol) => protocol switch
    {
        PathProtocol.Smtp or PathProtocol.SmtpStarttls or PathProtocol.Smtps => smtp,
        PathProtocol.Imap or PathProtocol.Imaps => imap,
        _ => tcp,
    };

    /// <summary>A PROXY listener must not greet a client that sent no header: a 4xx/5xx reply, a close or a reset is right.</summary>
    private static async Task<string> ExpectRefusalAsync(Stream stream, CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await new ProtocolLines(stream).ReadLineAsync(cancellationToken);
        }
        catch (IOException)
        {
            return "reset";
        }

        if (line is null)
        {
            return "closed";
        }

        if (line.StartsWith('4') || line.StartsWith('5') || line.StartsWith("* BYE", StringComparison.Ordinal))
        {
            return line;
        }

        throw new PathCheckException($"served a client that sent no PROXY header: '{line}'");
    }
}
