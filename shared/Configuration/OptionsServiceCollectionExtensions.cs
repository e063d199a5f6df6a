using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>Registers options the way every worker does.</summary>
public static class OptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="sectionName"/> with <paramref name="bind"/>, validates it
    /// with <see cref="SectionValidator{TOptions}"/> and checks it when the host starts, so that a bad key exits 2 before
    /// the job touches anything.
    /// </summary>
    /// <param name="services">The worker's services.</param>
    /// <param name="sectionName">The section, <c>Smtp</c>: its keys are <c>Smtp__*</c>.</param>
    /// <param name="bind">
    /// <c>static (section, options) =&gt; section.Bind(options)</c>, written where the options type is concrete: there the
    /// configuration binding source generator writes the binding (a native binary has no reflection binder), which it
    /// cannot do inside this generic method (SYSLIB1104).
    /// </param>
    public static OptionsBuilder<TOptions> AddWorkerOptions<[DynamicallyAccessedMembers(OptionsSection.Members)] TOptions>(
        this IServiceCollection services, string sectionName, Action<IConfiguration, TOptions> bind)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(sp =>
            new SectionValidator<TOptions>(sp.GetRequiredService<IConfiguration>(), sectionName));
        return services.AddOptions<TOptions>()
            .Configure<IConfiguration>((options, configuration) => bind(ConfigurationEnumKeys.Resolve<TOptions>(configuration.GetSection(sectionName)), options))
            .ValidateOnStart();
    }
}
