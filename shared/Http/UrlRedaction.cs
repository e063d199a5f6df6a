namespace MailserverWorkers.Shared.Http;

/// <summary>Makes URLs safe to log.</summary>
public static class UrlRedaction
{
    /// <summary>
    /// Drops user info and the query; with <paramref name="hideLastSegment"/> also replaces the last path segment
    /// (an Uptime Kuma push URL's token is its last segment).
    /// </summary>
    public static string Redact(Uri url, bool hideLastSegment = false)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            return "(relative URL)";
        }

        var path = url.AbsolutePath;
        if (hideLastSegment)
        {
            var trimmed = path.TrimEnd('/');
            var slash = trimmed.LastIndexOf('/');
            path = slash >= 0 && slash < trimmed.Length - 1 ? trimmed[..(slash + 1)] + "***" : path;
        }

        return $"{url.Scheme}://{url.Authority}{path}";
    }
}
