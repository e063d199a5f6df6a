namespace MailserverWorkers.Shared.Commands;

/// <summary>A command could not be run to its end: not found, not started, or its stream was lost.</summary>
public sealed class CommandFailedException : Exception
{
    /// <summary>Creates the error.</summary>
    public CommandFailedException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public CommandFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serialisers).</summary>
    public CommandFailedException()
    {
    }
}
