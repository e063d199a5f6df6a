using System.Text.RegularExpressions;
using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>Recognises the exceptions that mean "the configuration is wrong" and words them as one line.</summary>
public static partial class ConfigurationErrors
{
    /// <summary>
    /// Returns one line naming the bad key when <paramref name="exception"/> is a configuration error
    /// (exit code 2), or null when it is something else.
    /// </summary>
    public static string? Describe(Exception exception) => exception switch
    {
        WorkerConfigurationException e => e.Message,
        OptionsValidationException e => string.Join("; ", e.Failures.Distinct()),
        // One section's failure can surface twice: once on its own, once through a validator that reads it.
        AggregateException e when e.InnerExceptions.All(i => Describe(i) is not null) =>
            string.Join("; ", e.InnerExceptions.SelectMany(i => Describe(i)!.Split("; ")).Distinct()),
        // A converter of ours said what the key takes ("'7' is not one of none, start-tls, ssl-on-connect").
        InvalidOperationException { InnerException: ConfigurationValueException value } e when BinderConversionFailure().Match(e.Message) is { Success: true } m =>
            $"{ConfigurationKeys.ToEnvironmentName(m.Groups["key"].Value)}: {value.Message}",
        // The configuration binder's own words for "Smtp__Port=abc": keep the key, drop the CLR type noise.
        InvalidOperationException e when BinderConversionFailure().Match(e.Message) is { Success: true } m =>
            $"{ConfigurationKeys.ToEnvironmentName(m.Groups["key"].Value)}: cannot be read as {FriendlyType(m.Groups["type"].Value)}",
        _ => null,
    };

    private static string FriendlyType(string clrType) => clrType switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Double" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration (hh:mm:ss)",
        "System.Uri" => "a URL",
        _ when clrType.StartsWith("System.Nullable`1[[", StringComparison.Ordinal) => FriendlyType(clrType[19..clrType.IndexOf(',', StringComparison.Ordinal)]),
        _ => $"a {clrType[(clrType.LastIndexOf('.') + 1)..]} (see --help for the allowed values)",
    };

    [GeneratedRegex("Failed to convert configuration value (?:'.*' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex BinderConversionFailure();
}
