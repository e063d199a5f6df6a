using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>Registers options the way every worker does.</summary>
public static class OptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <paramref name="sectionName"/>, validates it with
    /// <see cref="SectionValidator{TOptions}"/> and checks it when the host starts, so that a bad key exits 2
    /// before the job touches anything.
    /// </summary>
    public static OptionsBuilder<TOptions> AddWorkerOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(sp =>
            new SectionValidator<TOptions>(sp.GetRequiredService<IConfiguration>(), sectionName));
        return services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
    }
}
