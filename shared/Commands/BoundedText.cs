using System.Text;

namespace MailserverWorkers.Shared.Commands;

/// <summary>Reads a stream to its end, keeping at most the first <see cref="Limit"/> bytes as text.</summary>
internal static class BoundedText
{
    public const int Limit = 64 * 1024;

    public static async Task<string> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var kept = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var room = Limit - (int)kept.Length;
            if (room > 0)
            {
                kept.Write(buffer, 0, Math.Min(room, read));
            }
        }

        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length).Trim();
    }
}
