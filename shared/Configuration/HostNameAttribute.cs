using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// A host to connect to: a DNS name (labels of letters, digits and '-', at most 253 characters), an IPv4 address or
/// an IPv6 address written bare (<c>::1</c>; the brackets of a URL are not part of it). Checked at start, so that a
/// space or a bracket fails with the key named instead of as a resolver error halfway through the run.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HostNameAttribute : ValidationAttribute
{
    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is not string { Length: > 0 } host)
        {
            return ValidationResult.Success;
        }

        var problem = host.StartsWith('[') ? $"'{host}': write an IPv6 address without brackets ({host.Trim('[', ']')})"
            : IPAddress.TryParse(host, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || host.Count(c => c == '.') == 3) ? null
            : IsDnsName(host) ? null
            : $"'{host}' is not a host name or an IP address";
        return problem is null ? ValidationResult.Success : new ValidationResult(problem, [validationContext.MemberName!]);
    }

    private static bool IsDnsName(string host) =>
        host.Length <= 253 && host.TrimEnd('.').Split('.').All(label =>
            label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && label[0] != '-' && label[^1] != '-');
}
