namespace MailserverWorkers.SpamRetention;

/// <summary>
/// Reads a mailbox in batches so that one bad message costs only itself: a batch whose answer cannot be trusted
/// (doveadm reported an error, which shifts the fields of every later row in 2.3.19; Dovecot's IMAP answered NO and
/// hung up) is split in halves, and again, until the message behind it stands alone and is reported by itself.
/// One bad message in a batch of n costs about 2·log2(n) more reads.
/// </summary>
internal static class FailureIsolation
{
    /// <param name="items">What to read, in order.</param>
    /// <param name="batchSize">The size of a first attempt.</param>
    /// <param name="attempt">Reads one batch and keeps its results only when they can be trusted; returns null then, or why not.</param>
    /// <param name="failed">Called with each item that failed on its own, and the reason.</param>
    /// <param name="cancellationToken">Stops between attempts.</param>
    public static async Task RunAsync<T>(
        IReadOnlyList<T> items,
        int batchSize,
        Func<IReadOnlyList<T>, CancellationToken, Task<string?>> attempt,
        Action<T, string> failed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(failed);
        var array = items as T[] ?? [.. items];
        for (var start = 0; start < array.Length; start += batchSize)
        {
            await Run(new ArraySegment<T>(array, start, Math.Min(batchSize, array.Length - start)));
        }

        async Task Run(ArraySegment<T> batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await attempt(batch, cancellationToken) is not { } error)
            {
                return;
            }

            if (batch.Count == 1)
            {
                failed(batch[0], error);
                return;
            }

            var half = batch.Count / 2;
            await Run(batch[..half]);
            await Run(batch[half..]);
        }
    }
}
