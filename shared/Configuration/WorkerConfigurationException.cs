namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// A configuration error found at start or while running: the host prints its message as one line and exits 2.
/// The message names the key as it is set in the environment (<c>Smtp__Host</c>) and never quotes a secret value.
/// </summary>
public sealed class WorkerConfigurationException : Exception
{
    /// <summary>Creates the error; <paramref name="message"/> names the key.</summary>
    public WorkerConfigurationException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with the exception that revealed it.</summary>
    public WorkerConfigurationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serialisers).</summary>
    public WorkerConfigurationException()
    {
    }
}
