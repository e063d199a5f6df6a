using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailserverWorkers.Shared.Tls;

/// <summary>
/// How servers' certificates are checked. Without <see cref="CaFile"/> the system's trust store decides; there is
/// deliberately no "accept any certificate" switch.
/// </summary>
public sealed class TlsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Tls";

    /// <summary>A PEM file of CA certificates to trust instead of the system store (a private CA, self-signed mail servers).</summary>
    public string? CaFile { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(CaFile))
        {
            yield break;
        }

        string? error = null;
        if (!File.Exists(CaFile))
        {
            error = $"file '{CaFile}' does not exist";
        }
        else
        {
            try
            {
                if (LoadCertificates().Count == 0)
                {
                    error = $"file '{CaFile}' holds no PEM certificate";
                }
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                error = $"cannot read certificates from '{CaFile}': {e.Message}";
            }
        }

        if (error is not null)
        {
            yield return new ValidationResult(error, [nameof(CaFile)]);
        }
    }

    /// <summary>Reads the certificates of <see cref="CaFile"/>.</summary>
    public X509Certificate2Collection LoadCertificates()
    {
        var certificates = new X509Certificate2Collection();
        if (!string.IsNullOrEmpty(CaFile))
        {
            certificates.ImportFromPemFile(CaFile);
        }

        return certificates;
    }
}
