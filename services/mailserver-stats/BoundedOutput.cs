namespace MailserverWorkers.MailserverStats;

/// <summary>A command's whole output, read up to a bound: past it, an error rather than memory without end.</summary>
public static class BoundedOutput
{
    /// <summary>The bytes of <paramref name="output"/>; more than <paramref name="maxBytes"/> throws, naming <paramref name="what"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(Stream output, int maxBytes, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var bounded = new MemoryStream();
        var buffer = new byte[64 << 10];
        int read;
        while ((read = await output.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (bounded.Length + read > maxBytes)
            {
                throw new InvalidDataException($"{what} larger than {maxBytes >> 20} MiB");
            }

            bounded.Write(buffer, 0, read);
        }

        return bounded.GetBuffer().AsMemory(0, (int)bounded.Length);
    }
}
