using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MailserverWorkers.Shared.Tls;

/// <summary>Certificate checks for every TLS client of the workers (MailKit, HttpClient, haproxy-health's checks).</summary>
public static class CertificateValidation
{
    /// <summary>
    /// Returns null (the platform's own validation against the system store) when no CA file is configured and nobody
    /// asks why a certificate was refused; otherwise a callback that accepts a certificate only if its name matches the
    /// host and its chain ends at one of the configured CAs (or, without a CA file, at the system's), and that tells
    /// <paramref name="rejected"/> why it refused one: expired, not yet valid, issued for another name, by another CA.
    /// </summary>
    /// <param name="options">The <c>Tls__*</c> keys.</param>
    /// <param name="rejected">Told the reason when a certificate is refused.</param>
    /// <param name="host">The name the certificate must carry, for the reason (MailKit's sender is not the SslStream).</param>
    public static RemoteCertificateValidationCallback? CreateCallback(TlsOptions options, Action<string>? rejected = null, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateCallback(options.LoadCertificates(), rejected, host);
    }

    /// <summary>
    /// The chain policy that trusts <paramref name="roots"/> alone, for a handshake's <c>CertificateChainPolicy</c>
    /// (null for an empty collection: the system's store), so that the platform builds the chain once, against them.
    /// </summary>
    public static X509ChainPolicy? ChainPolicy(X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (roots.Count == 0)
        {
            return null;
        }

        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }

    /// <summary>
    /// As <see cref="CreateCallback(TlsOptions, Action{string}?, string?)"/>, with the CAs already loaded (an empty
    /// collection: the system's store), for a caller that makes a callback per handshake and reads the file once.
    /// </summary>
    /// <param name="roots">The CAs of <c>Tls__CaFile</c> (<see cref="TlsOptions.LoadCertificates"/>).</param>
    /// <param name="rejected">Told the reason when a certificate is refused.</param>
    /// <param name="host">The name the certificate must carry, for the reason.</param>
    /// <param name="platformChainUsesRoots">
    /// The caller gave the handshake <see cref="ChainPolicy"/> of the same roots: the platform's verdict is then the
    /// callback's, and a chain is built a second time only to say why a certificate was refused.
    /// </param>
    public static RemoteCertificateValidationCallback? CreateCallback(X509Certificate2Collection roots, Action<string>? rejected = null, string? host = null, bool platformChainUsesRoots = false)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (roots.Count == 0 && rejected is null)
        {
            return null;
        }

        return (sender, certificate, platformChain, errors) =>
        {
            var expected = sender switch
            {
                SslStream { TargetHostName.Length: > 0 } ssl => ssl.TargetHostName,
                HttpRequestMessage { RequestUri: { } uri } => uri.Host,
                _ => host,
            };
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                rejected?.Invoke("the server sent no certificate");
                return false;
            }

            if (platformChainUsesRoots && errors == SslPolicyErrors.None)
            {
                return true;
            }

            using var leaf = new X509Certificate2(certificate);
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                rejected?.Invoke($"the certificate is for {Names(leaf)}, not {expected ?? "the host connected to"}");
                return false;
            }

            if (roots.Count == 0)
            {
                // The system's roots: the platform already built the chain.
                var problem = errors == SslPolicyErrors.None ? null : Problem(leaf, platformChain?.ChainStatus ?? [], "a CA of the system's store (set Tls__CaFile for a private CA)");
                if (problem is not null)
                {
                    rejected?.Invoke(problem);
                }

                return problem is null;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            // A private CA publishes no revocation list; checking would fail every handshake.
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain.Build(leaf))
            {
                return true;
            }

            rejected?.Invoke(Problem(leaf, chain.ChainStatus, "a CA in Tls__CaFile") ?? "its chain does not validate");
            return false;
        };
    }

    private static string? Problem(X509Certificate2 leaf, X509ChainStatus[] status, string trusted)
    {
        var flags = status.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var now = DateTime.UtcNow;
        return flags == X509ChainStatusFlags.NoError ? null
            : flags.HasFlag(X509ChainStatusFlags.NotTimeValid) && leaf.NotAfter.ToUniversalTime() < now ? $"the certificate expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}"
            : flags.HasFlag(X509ChainStatusFlags.NotTimeValid) ? $"the certificate is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd}"
            : flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || flags.HasFlag(X509ChainStatusFlags.PartialChain)
                ? $"the certificate is issued by {leaf.Issuer}, not by {trusted}"
            : $"its chain does not validate ({flags})";
    }

    private static string Names(X509Certificate2 leaf)
    {
        var names = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(a => a.ToString()))).ToList();
        return names.Count > 0 ? string.Join(", ", names) : leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }
}
