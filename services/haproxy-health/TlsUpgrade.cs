using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// The TLS handshake of smtps, imaps and STARTTLS: validated against <c>Tls__CaFile</c> (or the system's roots) and
/// the target's name, timed, and the certificate's end of validity kept for the expiry metric.
/// </summary>
public sealed class TlsUpgrade(IOptions<TlsOptions> tls, TimeProvider time)
{
    // Read once: a run makes a handshake per attempt, and each needs a callback of its own for the reason.
    private readonly Lazy<X509Certificate2Collection> roots = new(() => tls.Value.LoadCertificates());

    // The platform builds the chain against the configured CAs, once per handshake; the callback builds another only
    // to say why it refused one (two chains per handshake had cost about 2 ms of the timed handshake).
    private readonly Lazy<X509ChainPolicy?> policy = new(() => CertificateValidation.ChainPolicy(tls.Value.LoadCertificates()));

    public async Task<Stream> HandshakeAsync(Stream connection, TargetOptions target, CheckTimings timings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(timings);
        var ssl = new SslStream(connection, leaveInnerStreamOpen: false);
        string? refused = null;
        var validation = CertificateValidation.CreateCallback(roots.Value, reason => refused = reason, target.ServerName ?? target.Host, platformChainUsesRoots: policy.Value is not null);
        var started = time.GetTimestamp();
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = target.ServerName ?? target.Host,
                RemoteCertificateValidationCallback = validation,
                CertificateChainPolicy = policy.Value?.Clone(),
            }, cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync();
            // The callback's reason when it refused the certificate; the platform's words for anything else.
            throw new PathCheckException($"TLS handshake failed: {refused ?? e.Message}", e);
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
