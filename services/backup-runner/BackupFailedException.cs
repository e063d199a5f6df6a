namespace MailserverWorkers.BackupRunner;

/// <summary>A run, restore or verify that cannot go on; the message says why in the operator's terms.</summary>
public sealed class BackupFailedException : Exception
{
    public BackupFailedException(string message) : base(message)
    {
    }

    public BackupFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public BackupFailedException()
    {
    }
}
