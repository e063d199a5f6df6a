using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// A target's attempts: its host resolved once and one attempt made to warm up (neither timed), then the timed
/// attempts, at most its Concurrency at once.
/// </summary>
public sealed class TargetProber(PathProber prober)
{
    /// <summary>The longest a warm-up attempt may take: a target that does not answer is not waited for twice.</summary>
    public static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What is costly the first time, before anything is timed: the resolver (the addresses are kept, so that the connect
    /// phase is the TCP connect alone), and one whole attempt, untimed, which loads and runs every code path the
    /// timed ones take (sockets, the protocol's check, TLS and its certificate validation). Null addresses when the
    /// host cannot be resolved: every attempt then resolves it itself and fails with the resolver's words.
    /// </summary>
    public async Task<IPAddress[]?> WarmUpAsync(TargetOptions target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(WarmUpLimit < target.Timeout ? WarmUpLimit : target.Timeout);
        IPAddress[]? addresses = null;
        try
        {
            addresses = IPAddress.TryParse(target.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(target.Host!, limit.Token);
            if (!target.ExpectRejection)
            {
                // A PROXY listener refuses only after its own timeout (Postfix 3.7: 5 s); its refusal times nothing.
                await prober.AttemptAsync(target, addresses, limit.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Not resolved, or not answered within the limit: the timed attempts will say so.
        }

        return addresses is { Length: > 0 } ? addresses : null;
    }

    public async Task<TargetReport> ProbeAsync(string name, TargetOptions target, IPAddress[]? addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var slots = new SemaphoreSlim(target.Concurrency);
        var widened = 0;
        var attempts = await Task.WhenAll(Enumerable.Range(0, target.Attempts).Select(async _ =>
        {
            await slots.WaitAsync(cancellationToken);
            PathAttempt? attempt = null;
            try
            {
                attempt = await prober.AttemptAsync(target, addresses, cancellationToken);
                return attempt;
            }
            finally
            {
                // A target that lets an attempt run into its Timeout would otherwise take Attempts x Timeout one at a
                // time: the rest then go at once (there is no latency left to measure, only the ratio).
                var timedOut = attempt is { Succeeded: false, Total: var total } && total >= target.Timeout;
                slots.Release(timedOut && Interlocked.Exchange(ref widened, 1) == 0 ? 1 + target.Attempts : 1);
            }
        }));
        return new TargetReport(name, target, attempts);
    }
}
