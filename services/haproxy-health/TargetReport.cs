namespace MailserverWorkers.HaproxyHealth;

/// <summary>All attempts on one target, summed up.</summary>
public sealed record TargetReport(string Name, TargetOptions Target, IReadOnlyList<PathAttempt> Attempts)
{
    public double SuccessRatio => Attempts.Count == 0 ? 0 : (double)Attempts.Count(a => a.Succeeded) / Attempts.Count;

    public bool Passed => SuccessRatio >= Target.MinSuccessRatio;

    /// <summary>A quantile (nearest rank) of the successful attempts' whole duration; null when none succeeded.</summary>
    public TimeSpan? Latency(double quantile) => Phase(PathPhase.Attempt, quantile);

    /// <summary>A quantile (nearest rank) of one phase over the successful attempts that had it; null when none did.</summary>
    public TimeSpan? Phase(PathPhase phase, double quantile) => Quantile(
        Attempts.Where(a => a.Succeeded).Select(a => phase switch
        {
            PathPhase.Connect => a.Connect,
            PathPhase.Greeting => a.Greeting,
            PathPhase.Tls => a.TlsHandshake,
            _ => a.Total,
        }).Where(t => t is not null).Select(t => t!.Value),
        quantile);

    /// <summary>The median time from the start of the connect to the greeting's first byte.</summary>
    public TimeSpan? MedianBanner => Quantile(Attempts.Where(a => a.Banner is not null).Select(a => a.Banner!.Value), 0.5);

    /// <summary>The earliest end of validity among the certificates seen.</summary>
    public DateTimeOffset? CertificateNotAfter => Attempts.Min(a => a.CertificateNotAfter);

    /// <summary>The distinct errors with their counts, most frequent first.</summary>
    public IEnumerable<(string Error, int Count)> Errors => Attempts.Where(a => a.Error is not null).GroupBy(a => a.Error!)
        .Select(g => (g.Key, g.Count())).OrderByDescending(e => e.Item2);

    private static TimeSpan? Quantile(IEnumerable<TimeSpan> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
