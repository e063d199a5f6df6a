using System.Net.Security;
using System.Security.Authentication;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// The TLS handshake of smtps, imaps and STARTTLS: validated against <c>Tls__CaFile</c> (or the system's roots) and
/// the target's name, timed, and the certificate's end of validity kept for the expiry metric.
/// </summary>
public sealed class TlsUpgrade(IOptions<TlsOptions> tls, TimeProvider time)
{
    private readonly Lazy<RemoteCertificateValidationCallback?> validation = new(() => CertificateValidation.CreateCallback(tls.Value));

    public async Task<Stream> HandshakeAsync(Stream connection, TargetOptions target, CheckTimings timings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(timings);
        var ssl = new SslStream(connection, leaveInnerStreamOpen: false);
        var started = time.GetTimestamp();
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = target.ServerName ?? target.Host,
                RemoteCertificateValidationCallback = validation.Value,
            }, cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            throw new PathCheckException($"TLS handshake failed: {e.Message}", e);
        }

        timings.TlsHandshake = time.GetElapsedTime(started);
        if (ssl.RemoteCertificate is { } certificate)
        {
            using var leaf = new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate);
            timings.CertificateNotAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        }

        return ssl;
    }
}
