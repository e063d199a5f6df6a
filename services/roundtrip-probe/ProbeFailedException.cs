namespace MailserverWorkers.RoundtripProbe;

/// <summary>A stage failed for a reason worth reporting as it is (it goes into the log, the metrics' stage label and Uptime Kuma).</summary>
public sealed class ProbeFailedException : Exception
{
    public ProbeFailedException(string message) : base(message)
    {
    }

    public ProbeFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public ProbeFailedException()
    {
    }
}
