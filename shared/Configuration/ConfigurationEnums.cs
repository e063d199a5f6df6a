using System.Text;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>How an enumerated key's values are written: the members' names in kebab case.</summary>
public static class ConfigurationEnums
{
    /// <summary>The member's name in kebab case: <c>SmtpStarttls</c> is <c>smtp-starttls</c>, <c>V2</c> is <c>v2</c>.</summary>
    public static string ToConfigurationValue(this Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    /// <summary>The values a key of <paramref name="enumType"/> takes, in declaration order.</summary>
    public static IReadOnlyList<string> Names(Type enumType) => Members(enumType).Select(ToConfigurationValue).ToList();

    /// <summary>
    /// Reads a value: a member's kebab-case name or its own name, in any case; throws
    /// <see cref="ConfigurationValueException"/> naming the allowed values.
    /// </summary>
    public static Enum Parse(Type enumType, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        foreach (var value in Members(enumType))
        {
            if (value.ToConfigurationValue().Equals(trimmed, StringComparison.OrdinalIgnoreCase) || value.ToString().Equals(trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new ConfigurationValueException($"'{text}' is not one of {string.Join(", ", Names(enumType))}");
    }

    // Enum.GetValues(Type) builds an array of the enum type, which a native binary may not be able to make (IL3050);
    // names and Enum.Parse need nothing generated.
    private static IEnumerable<Enum> Members(Type enumType) => Enum.GetNames(enumType).Select(name => (Enum)Enum.Parse(enumType, name));
}
