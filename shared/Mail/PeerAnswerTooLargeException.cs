namespace MailserverWorkers.Shared.Mail;

/// <summary>A server sent more than <see cref="PeerReadLimit"/> allows; MailKit treats it as a broken protocol and disconnects.</summary>
public sealed class PeerAnswerTooLargeException : MailKit.ProtocolException
{
    /// <summary>Creates the error.</summary>
    public PeerAnswerTooLargeException(string message) : base(message)
    {
    }

    /// <summary>Creates the error with its cause.</summary>
    public PeerAnswerTooLargeException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty error (for serialisers).</summary>
    public PeerAnswerTooLargeException()
    {
    }
}
