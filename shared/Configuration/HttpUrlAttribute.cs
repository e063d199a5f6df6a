using System.ComponentModel.DataAnnotations;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>An absolute <c>http</c> or <c>https</c> URL with a host, checked at start (a relative or scheme-less URL otherwise fails only when it is first used).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HttpUrlAttribute : ValidationAttribute
{
    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        return value is not Uri url || (url.IsAbsoluteUri && url.Scheme is "http" or "https" && url.Host.Length > 0)
            ? ValidationResult.Success
            // Only the scheme is quoted: the URL may carry a token or a password.
            : new ValidationResult($"must be an absolute http:// or https:// URL with a host{(url.IsAbsoluteUri ? $", not {url.Scheme}:" : " (it is relative)")}", [validationContext.MemberName!]);
    }
}
