namespace MailserverWorkers.HaproxyHealth;

/// <summary><c>tcp</c>: the connection (and the PROXY header) is the whole check, as HAProxy's own L4 check.</summary>
public sealed class TcpConnectCheck : IPathCheck
{
    public Task SpeakAsync(Stream connection, TargetOptions target, CheckTimings timings, CancellationToken cancellationToken) => Task.CompletedTask;
}
