using Microsoft.Extensions.Configuration;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// Lets any secret come from a file instead of the environment: <c>Smtp__PasswordFile=/run/secrets/smtp</c> sets
/// <c>Smtp__Password</c> to the file's content (one trailing line break removed). Kubernetes mounts Secrets as files;
/// a value in a file never shows in <c>kubectl describe</c> or in the process environment.
/// </summary>
public static class SecretFiles
{
    /// <summary>Suffix of the key that names the file.</summary>
    public const string FileSuffix = "File";

    /// <summary>A secret file larger than this is a mistake (a wrong path), not a secret.</summary>
    public const int MaxSecretBytes = 64 * 1024;

    // Keys whose values are secrets: never logged, and readable from a file.
    private static readonly string[] SecretNameEndings = ["Password", "ApiKey", "Token", "PushUrl", "Secret"];

    /// <summary>True when a key with this last segment holds a secret (<c>Password</c>, <c>BearerToken</c>, ...).</summary>
    public static bool IsSecretName(string name) =>
        SecretNameEndings.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when <paramref name="name"/> is <c>&lt;secret&gt;File</c>; <paramref name="secretName"/> is the secret's key.</summary>
    public static bool IsSecretFileKey(string name, out string secretName)
    {
        secretName = name.EndsWith(FileSuffix, StringComparison.OrdinalIgnoreCase) ? name[..^FileSuffix.Length] : "";
        return secretName.Length > 0 && IsSecretName(secretName);
    }

    /// <summary>
    /// Reads every <c>&lt;secret&gt;File</c> key of <paramref name="configuration"/> and returns the secrets to add as
    /// configuration. Throws <see cref="WorkerConfigurationException"/> naming the key when a file cannot be read or
    /// when both the value and the file are set.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Read(IConfiguration configuration)
    {
        var secrets = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, path) in configuration.AsEnumerable())
        {
            var lastColon = key.LastIndexOf(':');
            var name = key[(lastColon + 1)..];
            if (string.IsNullOrEmpty(path) || !IsSecretFileKey(name, out var secretName))
            {
                continue;
            }

            var secretKey = key[..(lastColon + 1)] + secretName;
            if (!string.IsNullOrEmpty(configuration[secretKey]))
            {
                throw new WorkerConfigurationException(
                    $"{ConfigurationKeys.ToEnvironmentName(key)}: set either {ConfigurationKeys.ToEnvironmentName(secretKey)} or {ConfigurationKeys.ToEnvironmentName(key)}, not both");
            }

            secrets[secretKey] = ReadSecret(ConfigurationKeys.ToEnvironmentName(key), path);
        }

        return secrets;
    }

    private static string ReadSecret(string key, string path)
    {
        try
        {
            ConfigurationFile.RequireRegular(key, path);
            var info = new FileInfo(path);
            if (info.Length > MaxSecretBytes)
            {
                throw new WorkerConfigurationException($"{key}: file '{path}' is {info.Length} bytes; a secret file holds at most {MaxSecretBytes}");
            }

            var text = File.ReadAllText(path);
            // One trailing line break is what `echo secret > file` and most editors add; it is never part of a secret.
            if (text.EndsWith("\r\n", StringComparison.Ordinal))
            {
                text = text[..^2];
            }
            else if (text.EndsWith('\n'))
            {
                text = text[..^1];
            }

            return text.Length > 0 ? text : throw new WorkerConfigurationException($"{key}: file '{path}' is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkerConfigurationException($"{key}: cannot read '{path}': {e.Message}", e);
        }
    }
}
