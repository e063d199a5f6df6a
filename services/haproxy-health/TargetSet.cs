using System.Text.RegularExpressions;
using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>The targets, <c>Targets__&lt;name&gt;__*</c>, by name.</summary>
public sealed class TargetSet
{
    public const string SectionName = "Targets";

    public Dictionary<string, TargetOptions> Targets { get; } = new(StringComparer.Ordinal);

    /// <summary>Binds every child of <c>Targets</c> as one target.</summary>
    public static void Bind(TargetSet set, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var child in configuration.GetSection(SectionName).GetChildren())
        {
            var target = new TargetOptions();
            ConfigurationEnumKeys.Resolve<TargetOptions>(child).Bind(target);
            set.Targets[child.Key] = target;
        }
    }
}

/// <summary>
/// Validates each target as its own section, so that a failure names the key an operator sets
/// (<c>Targets__smtp__Port: ...</c>) and an unknown key of a target is refused like any other.
/// </summary>
public sealed partial class TargetSetValidator(IConfiguration configuration) : IValidateOptions<TargetSet>
{
    public ValidateOptionsResult Validate(string? name, TargetSet options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Targets.Count == 0)
        {
            return ValidateOptionsResult.Fail("Targets: at least one target is required (Targets__<name>__Host, Targets__<name>__Port, ...)");
        }

        var failures = new List<string>();
        foreach (var (targetName, target) in options.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (!TargetName().IsMatch(targetName))
            {
                failures.Add($"Targets__{targetName}: a target name is letters, digits, '_' and '-' (it becomes a metric label)");
                continue;
            }

            var result = new SectionValidator<TargetOptions>(configuration, $"{TargetSet.SectionName}:{targetName}").Validate(null, target);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex TargetName();
}
