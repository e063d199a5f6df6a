namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// What a target's protocol does on a connection that is open and has had its PROXY header (the variation point,
/// as blackbox_exporter has one prober per protocol): read the greeting, upgrade to TLS, and so on.
/// </summary>
public interface IPathCheck
{
    /// <summary>Speaks the protocol on <paramref name="connection"/> and records what it saw in <paramref name="timings"/>.</summary>
    Task SpeakAsync(Stream connection, TargetOptions target, CheckTimings timings, CancellationToken cancellationToken);
}

/// <summary>
/// What a check measured (README "haproxy-health", phases). Each moment is read right where the await on the socket
/// returns, and each phase spans only the wait for its server (the greeting from the moment the client starts
/// waiting for it, not from the connect), so that nothing the worker does between phases is inside one. A check
/// throws <see cref="PathCheckException"/> when the path fails.
/// </summary>
public sealed class CheckTimings(TimeProvider time, long started)
{
    private long awaitingGreeting;

    /// <summary>From the start of the connect to the first byte of the greeting.</summary>
    public TimeSpan? Banner { get; private set; }

    /// <summary>From the moment the client waits for the greeting (connected and PROXY header written, or TLS done for smtps and imaps) to its first byte.</summary>
    public TimeSpan? Greeting { get; private set; }

    public TimeSpan? TlsHandshake { get; set; }

    public DateTimeOffset? CertificateNotAfter { get; set; }

    public TimeSpan Elapsed => time.GetElapsedTime(started);

    /// <summary>The client now waits for the greeting.</summary>
    public void AwaitingGreeting() => awaitingGreeting = time.GetTimestamp();

    /// <summary>The greeting's first byte arrived (called by the read that got it).</summary>
    public void GreetingArrived()
    {
        if (Greeting is null)
        {
            var now = time.GetTimestamp();
            Greeting = time.GetElapsedTime(awaitingGreeting == 0 ? started : awaitingGreeting, now);
            Banner = time.GetElapsedTime(started, now);
        }
    }
}

/// <summary>The path failed: what the server did, in a few words.</summary>
public sealed class PathCheckException : Exception
{
    public PathCheckException(string message) : base(message)
    {
    }

    public PathCheckException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public PathCheckException()
    {
    }
}
