namespace MailserverWorkers.Testing;

/// <summary>What a server's log file gained after a point: the lines a test's own run caused, read from the file itself.</summary>
public sealed class LogFileTail(string path)
{
    private readonly long start = new FileInfo(path).Length;

    /// <summary>
    /// The lines written since this tail was made that match <paramref name="match"/>, once at least
    /// <paramref name="atLeast"/> of them are there and a further half second brought no more (servers log a closed
    /// connection after the client has gone), or after ten seconds.
    /// </summary>
    public async Task<List<string>> LinesAsync(Func<string, bool> match, int atLeast = 1)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        var lines = Read(match);
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(500);
            var again = Read(match);
            if (again.Count >= atLeast && again.Count == lines.Count)
            {
                return again;
            }

            lines = again;
        }

        return lines;
    }

    private List<string> Read(Func<string, bool> match)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (match(line))
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
