using Microsoft.Extensions.Options;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>Cross-section rules: the chosen sender's own keys must be set.</summary>
public sealed class ProbeSenderOptionsValidator(IOptions<SmtpOptions> smtp, IOptions<BrevoOptions> brevo) : IValidateOptions<ProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Sender switch
        {
            ProbeSenderKind.Smtp when string.IsNullOrWhiteSpace(smtp.Value.Host) =>
                ValidateOptionsResult.Fail("Smtp__Host: required when Probe__Sender=smtp"),
            ProbeSenderKind.Smtp when !string.IsNullOrEmpty(smtp.Value.Username) && string.IsNullOrEmpty(smtp.Value.Password) =>
                ValidateOptionsResult.Fail("Smtp__Password: required when Smtp__Username is set (or set Smtp__PasswordFile)"),
            ProbeSenderKind.Brevo when string.IsNullOrWhiteSpace(brevo.Value.ApiKey) =>
                ValidateOptionsResult.Fail("Brevo__ApiKey: required when Probe__Sender=brevo (or set Brevo__ApiKeyFile)"),
            _ => ValidateOptionsResult.Success,
        };
    }
}
