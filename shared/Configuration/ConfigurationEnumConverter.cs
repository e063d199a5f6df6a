using System.ComponentModel;
using System.Globalization;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// The one way an enumerated key binds, put on the enum with <c>[TypeConverter(typeof(ConfigurationEnumConverter))]</c>
/// (TypeDescriptor hands it the enum's type): the value is a member's kebab-case name (<c>smtp-starttls</c>,
/// <c>reject-without-proxy</c>, <c>iso-week</c>) or, as keys documented in PascalCase are written (<c>StartTls</c>),
/// the member's own name, in any case (<see cref="ConfigurationEnums"/>). Never a number or a combination, which the
/// configuration binder's own EnumConverter takes and stores as a value no name has.
/// </summary>
/// <param name="enumType">The enum.</param>
public sealed class ConfigurationEnumConverter(Type enumType) : TypeConverter
{
    /// <inheritdoc />
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc />
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? ConfigurationEnums.Parse(enumType, text) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc />
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is Enum member ? member.ToConfigurationValue() : base.ConvertTo(context, culture, value, destinationType);
}
