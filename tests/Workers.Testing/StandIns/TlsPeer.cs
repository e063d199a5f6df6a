using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// A TLS server the tests make on 127.0.0.1 with a certificate they choose (expired, not yet valid, issued for another
/// name, by another CA), all made here from a CA of its own whose PEM <see cref="CaFile"/> holds (for Tls__CaFile), or
/// that accepts and never answers the handshake. After a handshake it greets as an IMAP server would, so a client that
/// trusts it gets that far.
/// </summary>
public sealed class TlsPeer : LoopbackTcpServer
{
    private static readonly byte[] ImapGreeting = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] tls peer\r\n"u8.ToArray();

    private readonly X509Certificate2? certificate;
    private readonly byte[] greeting;

    private TlsPeer(X509Certificate2? certificate, string caFile, byte[]? greeting = null)
    {
        this.certificate = certificate;
        this.greeting = greeting ?? ImapGreeting;
        CaFile = caFile;
        Start();
    }

    /// <summary>The PEM of the CA the test should trust (deleted with the peer).</summary>
    public string CaFile { get; }

    /// <summary>
    /// A peer whose certificate is signed by the trusted CA (or, with <paramref name="otherCa"/>, by another), sending
    /// <paramref name="greeting"/> (default an IMAP greeting) after the handshake.
    /// </summary>
    public static TlsPeer With(string dnsName, DateTimeOffset notBefore, DateTimeOffset notAfter, bool otherCa = false, byte[]? greeting = null)
    {
        using var trusted = NewCa("a test CA");
        using var other = otherCa ? NewCa("another test CA") : null;
        var ca = other ?? trusted;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(dnsName, out var address))
        {
            names.AddIpAddress(address);
        }
        else
        {
            names.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        // SslStream wants the key with the certificate, in a form the platform can use.
        return new TlsPeer(X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null), WritePem(trusted), greeting);
    }

    /// <summary>A peer that accepts the connection and never answers the client's hello.</summary>
    public static TlsPeer Silent()
    {
        using var trusted = NewCa("a test CA");
        return new TlsPeer(null, WritePem(trusted));
    }

    // Valid from a year ago to a year ahead, so that it can issue expired and not-yet-valid certificates.
    private static X509Certificate2 NewCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static string WritePem(X509Certificate2 ca)
    {
        var path = Path.Join(Path.GetTempPath(), $"tls-peer-ca-{Guid.NewGuid():n}.pem");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }

    protected override async Task ConverseAsync(TcpClient client, CancellationToken cancellationToken)
    {
        if (certificate is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        await using var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken);
        await ssl.WriteAsync(greeting, cancellationToken);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        certificate?.Dispose();
        File.Delete(CaFile);
    }
}
