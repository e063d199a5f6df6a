using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// Validates one options section with its data annotations and <see cref="IValidatableObject"/> rules, and rejects
/// keys the section does not know (a typo such as <c>Smtp__Passwrd</c> would otherwise be ignored in silence).
/// Each failure names the key as the operator sets it, <c>Smtp__Port: ...</c>: the generated
/// <c>[OptionsValidator]</c> names only the C# member, which an operator never sees.
/// </summary>
/// <typeparam name="TOptions">The options class bound from <paramref name="sectionName"/>.</typeparam>
public sealed class SectionValidator<TOptions>(IConfiguration configuration, string sectionName) : IValidateOptions<TOptions>
    where TOptions : class
{
    private static readonly HashSet<string> KnownKeys = typeof(TOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite || !p.PropertyType.IsValueType)
        .Select(p => p.Name)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static readonly PropertyInfo[] EnumProperties = typeof(TOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType).IsEnum)
        .ToArray();

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var child in configuration.GetSection(sectionName).GetChildren())
        {
            var known = KnownKeys.Contains(child.Key)
                || (SecretFiles.IsSecretFileKey(child.Key, out var secret) && KnownKeys.Contains(secret));
            if (!known)
            {
                failures.Add($"{Key(child.Key)}: unknown key (known keys: {string.Join(", ", KnownKeys.Order(StringComparer.Ordinal))})");
            }
        }

        // The binder takes "7" or "None, StartTls" for an enum and stores a value no name has: by name only.
        foreach (var property in EnumProperties)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var raw = configuration.GetSection(sectionName)[property.Name]?.Trim();
            if (raw is { Length: > 0 } && (raw.Contains(',', StringComparison.Ordinal) || char.IsAsciiDigit(raw[0]) || raw[0] is '-' or '+'
                || !Enum.TryParse(type, raw, ignoreCase: true, out var parsed) || !Enum.IsDefined(type, parsed!)))
            {
                failures.Add($"{Key(property.Name)}: '{raw}' is not one of {string.Join(", ", Enum.GetNames(type))} (give the name)");
            }
        }

        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? string.Join(", ", result.MemberNames.Select(Key)) : sectionName;
            failures.Add($"{members}: {result.ErrorMessage}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string Key(string member) => ConfigurationKeys.ToEnvironmentName($"{sectionName}:{member}");
}
