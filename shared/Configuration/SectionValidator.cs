using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
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
/// <remarks>
/// Trim- and AOT-safe: it reads only the public properties of <typeparamref name="TOptions"/>, which the annotation
/// keeps in a trimmed or native binary, and validates each value with the attributes on it
/// (<see cref="Validator.TryValidateValue"/>), not with <see cref="Validator.TryValidateObject(object, ValidationContext, ICollection{ValidationResult}, bool)"/>,
/// which discovers the type's members at run time.
/// </remarks>
/// <typeparam name="TOptions">The options class bound from <paramref name="sectionName"/>.</typeparam>
public sealed class SectionValidator<[DynamicallyAccessedMembers(OptionsSection.Members)] TOptions>(IConfiguration configuration, string sectionName)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    // A key is what the binder sets: a property with a public setter, or a collection it fills (Labels, Sources).
    // A computed property (HaproxyOptions.Configured) is not one, whatever its type.
    private static readonly PropertyInfo[] Properties = typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    private static readonly HashSet<string> KnownKeys = Properties
        .Where(OptionsSection.IsKey)
        .Select(p => p.Name)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

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

        // Enumerated keys were read by ConfigurationEnumKeys, which refuses a number or a combination before binding.
        var results = new List<ValidationResult>();
        foreach (var property in Properties)
        {
            var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
            if (attributes.Count > 0)
            {
                var context = new ValidationContext(options, property.Name, null, null) { MemberName = property.Name };
                Validator.TryValidateValue(property.GetValue(options)!, context, results, attributes);
            }
        }

        // As TryValidateObject does: the object's own rules only once every property is valid.
        if (results.Count == 0 && options is IValidatableObject validatable)
        {
            results.AddRange(validatable.Validate(new ValidationContext(options, typeof(TOptions).Name, null, null)));
        }

        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? string.Join(", ", result.MemberNames.Select(Key)) : sectionName;
            failures.Add($"{members}: {result.ErrorMessage}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string Key(string member) => ConfigurationKeys.ToEnvironmentName($"{sectionName}:{member}");
}
