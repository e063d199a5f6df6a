using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MailserverWorkers.Shared.Tls;

/// <summary>Certificate checks for every TLS client of the workers (MailKit, HttpClient).</summary>
public static class CertificateValidation
{
    /// <summary>
    /// Returns null (the platform's own validation against the system store) when no CA file is configured;
    /// otherwise a callback that accepts a certificate only if its name matches the host and its chain ends at one
    /// of the configured CAs.
    /// </summary>
    public static RemoteCertificateValidationCallback? CreateCallback(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var roots = options.LoadCertificates();
        if (roots.Count == 0)
        {
            return null;
        }

        return (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) ||
                errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            // A private CA publishes no revocation list; checking would fail every handshake.
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
    }
}
