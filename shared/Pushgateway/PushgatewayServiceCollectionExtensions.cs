using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.Pushgateway;

/// <summary>Registers the Pushgateway client.</summary>
public static class PushgatewayServiceCollectionExtensions
{
    /// <summary>Adds <see cref="PushgatewayClient"/>, its options and the TLS options it trusts servers by.</summary>
    public static IServiceCollection AddPushgateway(this IServiceCollection services)
    {
        services.AddWorkerOptions<PushgatewayOptions>(PushgatewayOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddTlsHttpClient<PushgatewayClient>()
            // Polly bounds each attempt; this only stops a request that somehow escapes it.
            .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromMinutes(5));
        return services;
    }
}
