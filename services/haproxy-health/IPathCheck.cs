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

/// <summary>What a check measured, relative to the start of the connect. A check throws <see cref="PathCheckException"/> when the path fails.</summary>
public sealed class CheckTimings(TimeProvider time, long started)
{
    public TimeSpan? Banner { get; private set; }

    public TimeSpan? TlsHandshake { get; set; }

    public DateTimeOffset? CertificateNotAfter { get; set; }

    public TimeSpan Elapsed => time.GetElapsedTime(started);

    public void BannerSeen() => Banner ??= Elapsed;
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
