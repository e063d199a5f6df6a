using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.RoundtripProbe;

public static class RoundtripProbeServiceCollectionExtensions
{
    /// <summary>Registers the round-trip job, its options, the sender chosen by <c>Probe__Sender</c> and IMAP.</summary>
    public static IServiceCollection AddRoundtripProbe(this IServiceCollection services)
    {
        services.AddWorkerOptions<ProbeOptions>(ProbeOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddSingleton<IValidateOptions<ProbeOptions>, ProbeSenderOptionsValidator>();
        services.AddWorkerOptions<SmtpOptions>(SmtpOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddWorkerOptions<BrevoOptions>(BrevoOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddWorkerOptions<ImapOptions>(ImapOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddTlsOptions();

        services.AddScoped<SmtpProbeSender>();
        services.AddTlsHttpClient<BrevoProbeSender>();
        services.AddScoped<IProbeSender>(sp => sp.GetRequiredService<IOptions<ProbeOptions>>().Value.Sender switch
        {
            ProbeSenderKind.Brevo => sp.GetRequiredService<BrevoProbeSender>(),
            _ => sp.GetRequiredService<SmtpProbeSender>(),
        });
        services.AddScoped<ImapMailboxWatcher>();
        services.AddScoped<ImapProbeCleaner>();
        services.AddScoped<IWorkerJob, RoundtripProbeJob>();
        services.AddScoped<IWorkerCheck, ProbeCheck>();
        return services;
    }
}
