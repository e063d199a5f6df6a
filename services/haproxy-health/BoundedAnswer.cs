using System.Text;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// Reads a peer's whole answer (the stats page, the stats socket) up to a size limit: a page of 256 MiB or a socket that
/// never stops would otherwise take the worker past its memory limit and into an OOM kill with nothing reported.
/// HAProxy's CSV is about 1 KB per server, so the limit leaves room for thousands.
/// </summary>
internal static class BoundedAnswer
{
    public const int MaxBytes = 8 * 1024 * 1024;

    public static async Task<string> ReadAsync(Stream stream, CancellationToken cancellationToken, int maxBytes = MaxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (kept.Length + read > maxBytes)
            {
                throw new IOException($"answer larger than {maxBytes} bytes (not read further)");
            }

            kept.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }
}
