using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Kubernetes;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

public static class HaproxyHealthServiceCollectionExtensions
{
    /// <summary>Registers the job, its options (<c>Targets__*</c>, <c>HAProxy__*</c>, <c>PostfixLog__*</c>) and the checks.</summary>
    public static IServiceCollection AddHaproxyHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TargetSet>().Configure(set => TargetSet.Bind(set, configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TargetSet>>(sp => new TargetSetValidator(sp.GetRequiredService<IConfiguration>()));
        services.AddWorkerOptions<HaproxyOptions>(HaproxyOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddWorkerOptions<PostfixLogOptions>(PostfixLogOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddTlsOptions();
        services.AddCommandRunners();
        services.AddSingleton<IValidateOptions<PostfixLogOptions>, PodLogValidator>();
        services.AddTlsHttpClient<HaproxyStatsPage>();
        services.AddSingleton<HaproxyStatsSocket>();
        services.AddScoped<IHaproxyStatsSource>(sp => sp.GetRequiredService<IOptions<HaproxyOptions>>().Value.StatsSocket is { Length: > 0 }
            ? sp.GetRequiredService<HaproxyStatsSocket>()
            : sp.GetRequiredService<HaproxyStatsPage>());
        services.AddSingleton<PostfixFatalCounter>();
        // Made only when the log is read: the Kubernetes client reads its kubeconfig when it is made.
        services.AddScoped(sp => new Lazy<PostfixFatalCounter>(sp.GetRequiredService<PostfixFatalCounter>));
        services.AddScoped<HaproxyViewStep>();
        services.AddScoped<PostfixFatalStep>();
        services.AddSingleton<TlsUpgrade>();
        services.AddSingleton<TcpConnectCheck>();
        services.AddSingleton<SmtpBannerCheck>();
        services.AddSingleton<ImapBannerCheck>();
        services.AddSingleton<PathProber>();
        services.AddSingleton<TargetProber>();
        services.AddScoped<IWorkerJob, HealthJob>();
        services.AddScoped<IWorkerCheck, HealthCheck>();
        return services;
    }

    /// <summary>Counting the log's fatal lines needs to know which pod.</summary>
    private sealed class PodLogValidator(IOptions<KubernetesOptions> kubernetes) : IValidateOptions<PostfixLogOptions>
    {
        public ValidateOptionsResult Validate(string? name, PostfixLogOptions options)
        {
            var failures = options.Enabled ? kubernetes.Value.RequiredFailures().ToList() : [];
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
