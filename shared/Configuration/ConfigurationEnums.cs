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
    public static IReadOnlyList<string> Names(Type enumType) =>
        Enum.GetValues(enumType).Cast<Enum>().Select(ToConfigurationValue).ToList();

    /// <summary>
    /// Reads a value: a member's kebab-case name or its own name, in any case; throws
    /// <see cref="ConfigurationValueException"/> naming the allowed values.
    /// </summary>
    public static object Parse(Type enumType, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        foreach (var value in Enum.GetValues(enumType).Cast<Enum>())
        {
            if (value.ToConfigurationValue().Equals(trimmed, StringComparison.OrdinalIgnoreCase) || value.ToString().Equals(trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new ConfigurationValueException($"'{text}' is not one of {string.Join(", ", Names(enumType))}");
    }
}
