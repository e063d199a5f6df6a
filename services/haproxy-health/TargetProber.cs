using System.Net;
using System.Net.Sockets;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// A target's attempts: its host resolved once and one attempt made to warm up (neither timed), then the timed
/// attempts, at most its Concurrency at once and, across the run, at most the run's limit at once.
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
    public async Task<TargetWarmUp> WarmUpAsync(TargetOptions target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(WarmUpLimit < target.Timeout ? WarmUpLimit : target.Timeout);
        IPAddress[]? addresses = null;
        var answered = false;
        try
        {
            addresses = IPAddress.TryParse(target.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(target.Host!, limit.Token);
            if (!target.ExpectRejection)
            {
                // A PROXY listener refuses only after its own timeout (Postfix 3.7: 5 s); its refusal times nothing.
                await prober.AttemptAsync(target, addresses, limit.Token);
            }

            answered = true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Not resolved, or not answered within the limit: the timed attempts will say so.
        }

        return new TargetWarmUp(addresses is { Length: > 0 } ? addresses : null, answered);
    }

    /// <summary>
    /// The timed attempts. Each holds a place of <paramref name="run"/>, shared by every target of the run, so that at
    /// the default Concurrency no attempt is timed while another runs (on 2 cores, four targets at once had put 2.5 to
    /// 4 ms of each other's work into the SMTP attempts). A target that does not answer leaves the run's places alone:
    /// once one of its attempts runs into its Timeout (or its warm-up found no answer), the rest go at once, so a silent
    /// path costs about one Timeout more, not Attempts of them, and holds no other target up.
    /// </summary>
    public async Task<TargetReport> ProbeAsync(string name, TargetOptions target, TargetWarmUp warmUp, SemaphoreSlim run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(warmUp);
        ArgumentNullException.ThrowIfNull(run);
        // A reject-without-proxy target times nothing and waits for the listener's own timeout (Postfix 3.7: 5 s) on
        // every attempt: all of them at once, outside the run's places, as a target that does not answer.
        var widened = warmUp.Answered && !target.ExpectRejection ? 0 : 1;
        using var slots = new SemaphoreSlim(widened == 1 ? target.Attempts : target.Concurrency);
        var attempts = await Task.WhenAll(Enumerable.Range(0, target.Attempts).Select(async _ =>
        {
            await slots.WaitAsync(cancellationToken);
            var shared = Volatile.Read(ref widened) == 0;
            if (shared)
            {
                await run.WaitAsync(cancellationToken);
            }

            PathAttempt? attempt = null;
            try
            {
                attempt = await prober.AttemptAsync(target, warmUp.Addresses, cancellationToken);
                return attempt;
            }
            finally
            {
                if (shared)
                {
                    run.Release();
                }

                var timedOut = attempt is { Succeeded: false, Total: var total } && total >= target.Timeout;
                slots.Release(timedOut && Interlocked.Exchange(ref widened, 1) == 0 ? 1 + target.Attempts : 1);
            }
        }));
        return new TargetReport(name, target, attempts);
    }
}
