namespace MailserverWorkers.Shared.Configuration;

/// <summary>A configuration value a converter cannot read; the message says what it takes, the binder adds the key.</summary>
public sealed class ConfigurationValueException : FormatException
{
    /// <summary>Creates the error.</summary>
    public ConfigurationValueException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public ConfigurationValueException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serialisers).</summary>
    public ConfigurationValueException()
    {
    }
}
