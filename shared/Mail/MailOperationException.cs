namespace MailserverWorkers.Shared.Mail;

/// <summary>An SMTP or IMAP step failed; the message names the step and says why, in one line.</summary>
public sealed class MailOperationException : Exception
{
    /// <summary>Creates the error.</summary>
    public MailOperationException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with the exception that caused it.</summary>
    public MailOperationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serialisers).</summary>
    public MailOperationException()
    {
    }
}
