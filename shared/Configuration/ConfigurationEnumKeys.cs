using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// The one way an enumerated key binds: its value is a member's kebab-case name (<c>smtp-starttls</c>,
/// <c>reject-without-proxy</c>, <c>iso-week</c>) or, as keys documented in PascalCase are written (<c>StartTls</c>), the
/// member's own name, in any case (<see cref="ConfigurationEnums"/>); never a number or a combination, which
/// <c>Enum.Parse</c> takes and stores as a value no name has.
/// </summary>
/// <remarks>
/// The configuration binding source generator (what a native binary binds with) parses an enum with
/// <c>Enum.Parse(value, ignoreCase: true)</c> and ignores a TypeConverter (Microsoft.Extensions.Configuration.Binder
/// 10.0): so the section is handed to it with each enumerated key's value already written as the member's name.
/// </remarks>
public static class ConfigurationEnumKeys
{
    /// <summary>
    /// <paramref name="section"/> with every value of an enumerated property of <typeparamref name="TOptions"/> written as
    /// the member's own name; throws, as the binder does for a value it cannot convert, an
    /// <see cref="InvalidOperationException"/> naming the key, with a <see cref="ConfigurationValueException"/> naming the
    /// values it takes (<see cref="Hosting.ConfigurationErrors"/> words it as one line).
    /// </summary>
    public static IConfiguration Resolve<[DynamicallyAccessedMembers(OptionsSection.Members)] TOptions>(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var enumKeys = typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p.Name, Type: Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType))
            .Where(p => p.Type.IsEnum)
            .ToDictionary(p => p.Name, p => p.Type, StringComparer.OrdinalIgnoreCase);
        var resolved = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (child.Value is { } value && enumKeys.TryGetValue(child.Key, out var enumType))
            {
                try
                {
                    resolved[child.Path] = ConfigurationEnums.Parse(enumType, value).ToString();
                }
                catch (ConfigurationValueException e)
                {
                    throw new InvalidOperationException($"Failed to convert configuration value at '{child.Path}' to type '{enumType}'.", e);
                }
            }
        }

        if (resolved.Count == 0)
        {
            return section;
        }

        // The same paths as the section's own, so that the binder's errors name the key the operator wrote.
        var copy = section.AsEnumerable().Where(p => !resolved.ContainsKey(p.Key)).Concat(resolved);
        return new ConfigurationBuilder().AddInMemoryCollection(copy).Build().GetSection(section.Path);
    }
}
