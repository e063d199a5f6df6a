namespace MailserverWorkers.Shared.Configuration;

/// <summary>Spells configuration keys the way operators set them: environment variables with <c>__</c> for nesting.</summary>
public static class ConfigurationKeys
{
    /// <summary><c>Smtp:Host</c> becomes <c>Smtp__Host</c>.</summary>
    public static string ToEnvironmentName(string configurationPath) => configurationPath.Replace(":", "__", StringComparison.Ordinal);
}
