namespace MailserverWorkers.SpamRetention;

/// <summary>The run cannot go on (the mailbox cannot be read, doveadm failed): the job exits 1 and deletes nothing more.</summary>
public sealed class RetentionFailedException : Exception
{
    public RetentionFailedException(string message) : base(message)
    {
    }

    public RetentionFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public RetentionFailedException()
    {
    }
}
