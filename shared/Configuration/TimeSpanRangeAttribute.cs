using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// A duration key's bounds, <c>[TimeSpanRange("00:00:01", "01:00:00")]</c>: what <c>[TimeSpanRange(...)]</c>
/// says, with the same message, without the TypeConverter lookup by type that a trimmed or native binary cannot promise
/// (RangeAttribute(Type, string, string) is RequiresUnreferencedCode in .NET 10).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    /// <param name="minimum">The least value, invariant <c>c</c> format (<c>00:00:00.100</c>).</param>
    /// <param name="maximum">The greatest value.</param>
    public TimeSpanRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    /// <summary>The least value.</summary>
    public TimeSpan Minimum { get; }

    /// <summary>The greatest value.</summary>
    public TimeSpan Maximum { get; }

    /// <inheritdoc />
    public override bool IsValid(object? value) => value is not TimeSpan duration || (duration >= Minimum && duration <= Maximum);

    /// <inheritdoc />
    public override string FormatErrorMessage(string name) => string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
