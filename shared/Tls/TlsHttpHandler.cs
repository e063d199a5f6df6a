using System.Diagnostics.CodeAnalysis;
using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.Configuration;
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

    /// <summary>
    /// Adds a typed <see cref="HttpClient"/> for <typeparamref name="TClient"/> whose handler honours <see cref="TlsOptions"/>
    /// (added once), without the HTTP client's own log lines (they would print URLs with tokens).
    /// </summary>
    public static IHttpClientBuilder AddTlsHttpClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this IServiceCollection services)
        where TClient : class
    {
        services.AddTlsOptions();
        return services.AddHttpClient<TClient>()
            .ConfigurePrimaryHttpMessageHandler(sp => Create(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TlsOptions>>().Value))
            .RemoveAllLoggers();
    }

    /// <summary>Adds <see cref="TlsOptions"/> once.</summary>
    public static IServiceCollection AddTlsOptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(Microsoft.Extensions.Options.IValidateOptions<TlsOptions>)))
        {
            services.AddWorkerOptions<TlsOptions>(TlsOptions.SectionName, static (section, options) => section.Bind(options));
        }

        return services;
    }
}
