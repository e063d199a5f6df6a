using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Kubernetes;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

public static class SpamRetentionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the retention job and the backend <c>Retention__Backend</c> names. The IMAP keys are validated only
    /// for the imap backend, the Kubernetes keys only when doveadm runs in the pod.
    /// </summary>
    public static IServiceCollection AddSpamRetention(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddWorkerOptions<RetentionOptions>(RetentionOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddWorkerOptions<DovecotOptions>(DovecotOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddSingleton<IValidateOptions<DovecotOptions>, DoveadmRunnerValidator>();
        services.AddTlsOptions();
        services.AddCommandRunners();
        if (string.Equals(configuration["Retention:Backend"], nameof(RetentionBackendKind.Imap), StringComparison.OrdinalIgnoreCase))
        {
            services.AddWorkerOptions<ImapOptions>(ImapOptions.SectionName, static (section, options) => section.Bind(options));
        }

        services.AddSingleton(sp => sp.CommandRunner(sp.GetRequiredService<IOptions<DovecotOptions>>().Value.Runner));
        services.AddSingleton<Doveadm>();
        services.AddSingleton<RetentionPolicy>();
        services.AddScoped<DovecotRetentionBackend>();
        services.AddScoped<ImapRetentionBackend>();
        services.AddScoped<MaildirRetentionBackend>();
        services.AddScoped<IRetentionBackend>(sp => sp.GetRequiredService<IOptions<RetentionOptions>>().Value.Backend switch
        {
            RetentionBackendKind.Imap => sp.GetRequiredService<ImapRetentionBackend>(),
            RetentionBackendKind.Maildir => sp.GetRequiredService<MaildirRetentionBackend>(),
            _ => sp.GetRequiredService<DovecotRetentionBackend>(),
        });
        services.AddScoped<MailboxReader>();
        services.AddScoped<RetentionRun>();
        services.AddScoped<ProfileCommand>();
        services.AddScoped<IWorkerJob, RetentionJob>();
        services.AddScoped<IWorkerCheck, RetentionCheck>();
        return services;
    }

    /// <summary>doveadm in the pod needs to know which pod.</summary>
    private sealed class DoveadmRunnerValidator(IOptions<KubernetesOptions> kubernetes) : IValidateOptions<DovecotOptions>
    {
        public ValidateOptionsResult Validate(string? name, DovecotOptions options)
        {
            var failures = options.Runner == CommandRunnerKind.Kubernetes ? kubernetes.Value.RequiredFailures().ToList() : [];
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
