using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MailserverWorkers.Shared.UptimeKuma;

/// <summary>Registers the Uptime Kuma notifier.</summary>
public static class UptimeKumaServiceCollectionExtensions
{
    /// <summary>Adds <see cref="UptimeKumaNotifier"/> and its <c>UptimeKuma__*</c> options; without a push URL it sends nothing.</summary>
    public static IServiceCollection AddUptimeKuma(this IServiceCollection services)
    {
        services.AddWorkerOptions<UptimeKumaOptions>(UptimeKumaOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddTlsHttpClient<UptimeKumaNotifier>();
        return services;
    }
}
