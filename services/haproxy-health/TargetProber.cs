namespace MailserverWorkers.HaproxyHealth;

/// <summary>Runs a target's attempts, at most its Concurrency at once.</summary>
public sealed class TargetProber(PathProber prober)
{
    public async Task<TargetReport> ProbeAsync(string name, TargetOptions target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var slots = new SemaphoreSlim(target.Concurrency);
        var attempts = await Task.WhenAll(Enumerable.Range(0, target.Attempts).Select(async _ =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return await prober.AttemptAsync(target, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
        return new TargetReport(name, target, attempts);
    }
}
