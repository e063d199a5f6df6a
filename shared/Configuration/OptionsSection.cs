using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// An options class as a worker binds it, for <c>--help</c>: its keys are its settable properties and collections
/// (as <see cref="SectionValidator{TOptions}"/> knows them), each written <c>Prefix__Key</c> with its default.
/// </summary>
/// <param name="Prefix">The keys' prefix as an operator writes it: <c>Smtp</c>, or <c>Targets__&lt;name&gt;</c>.</param>
/// <param name="Options">The options class; its parameterless constructor gives the defaults.</param>
public sealed record OptionsSection(string Prefix, [DynamicallyAccessedMembers(OptionsSection.Members)][property: DynamicallyAccessedMembers(OptionsSection.Members)] Type Options)
{
    /// <summary>
    /// What the workers read of an options class at run time, and so what a trimmed or native binary must keep of it:
    /// its public properties (the keys) and its parameterless constructor (the defaults).
    /// </summary>
    public const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor;

    /// <summary>Every key with its default, <c>Smtp__Port (587)</c>, <c>Smtp__Security (none|start-tls|ssl-on-connect; start-tls)</c>.</summary>
    public IEnumerable<string> Keys()
    {
        var defaults = Activator.CreateInstance(Options);
        foreach (var property in Options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(IsKey))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var key = $"{Prefix}__{property.Name}";
            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            {
                yield return $"{key}__<name>";
                continue;
            }

            var value = property.GetValue(defaults);
            var shown = value switch
            {
                null => null,
                Enum e => e.ToConfigurationValue(),
                bool b => b ? "true" : "false",
                TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            var values = type.IsEnum ? string.Join('|', ConfigurationEnums.Names(type)) : null;
            yield return (values, shown) switch
            {
                (null, null or "") => key,
                (null, _) => $"{key} ({shown})",
                (_, null) => $"{key} ({values})",
                _ => $"{key} ({values}; {shown})",
            };
        }
    }

    /// <summary>What <see cref="SectionValidator{TOptions}"/> takes for a key: a property with a public setter, or a collection it fills.</summary>
    public static bool IsKey(PropertyInfo property) =>
        property.SetMethod?.IsPublic == true || (property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType));
}
