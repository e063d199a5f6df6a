using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MailserverWorkers.Shared.Tls;

/// <summary>HTTP handlers and registration that honour <see cref="TlsOptions"/>.</summary>
public static class TlsHttpHandler
{
    /// <summary>A handler that checks server certificates against <c>Tls__CaFile</c> when it is set, and connects within 10 s.</summary>
    public static HttpMessageHandler Create(TlsOptions options) => new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(10),
        SslOptions = { RemoteCertificateValidationCallback = CertificateValidation.CreateCallback(options) },
    };

    /// <summary>Adds <see cref="TlsOptions"/> once.</summary>
    public static IServiceCollection AddTlsOptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(Microsoft.Extensions.Options.IValidateOptions<TlsOptions>)))
        {
            services.AddWorkerOptions<TlsOptions>(TlsOptions.SectionName);
        }

        return services;
    }
}
