using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.MailserverStats;

public static class MailserverStatsServiceCollectionExtensions
{
    /// <summary>Registers the job and the sources <c>Stats__Postfix</c>, <c>Stats__Dovecot</c> and <c>Stats__Rspamd</c> choose.</summary>
    public static IServiceCollection AddMailserverStats(this IServiceCollection services)
    {
        services.AddWorkerOptions<StatsOptions>(StatsOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddSingleton<IValidateOptions<StatsOptions>, StatsOptionsValidator>();
        services.AddCommandRunners();
        services.AddSingleton(sp => new SourceCommand(sp.CommandRunner(sp.GetRequiredService<IOptions<StatsOptions>>().Value.Runner), sp.GetRequiredService<IOptions<StatsOptions>>()));
        services.AddSingleton<PostfixQueueSource>();
        services.AddSingleton<DovecotStatsSource>();
        services.AddSingleton<RspamdStatsSource>();
        services.AddSingleton<IEnumerable<IStatsSource>>(sp => sp.GetRequiredService<IOptions<StatsOptions>>().Value.Sources().Select(name => name switch
        {
            "postfix" => (IStatsSource)sp.GetRequiredService<PostfixQueueSource>(),
            "dovecot" => sp.GetRequiredService<DovecotStatsSource>(),
            _ => sp.GetRequiredService<RspamdStatsSource>(),
        }).ToList());
        services.AddScoped<IWorkerJob, StatsJob>();
        services.AddScoped<IWorkerCheck, StatsCheck>();
        return services;
    }

    /// <summary>At least one source; exec into the pod needs to know which pod.</summary>
    private sealed class StatsOptionsValidator(IOptions<KubernetesOptions> kubernetes) : IValidateOptions<StatsOptions>
    {
        public ValidateOptionsResult Validate(string? name, StatsOptions options)
        {
            List<string> failures = options.Runner == Shared.Commands.CommandRunnerKind.Kubernetes ? kubernetes.Value.RequiredFailures().ToList() : [];
            if (!options.Sources().Any())
            {
                failures.Add($"{StatsOptions.SectionName}__Postfix, {StatsOptions.SectionName}__Dovecot, {StatsOptions.SectionName}__Rspamd: all false; set at least one to true");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
