namespace MailserverWorkers.MailserverStats;

/// <summary>What one source read: its metrics, and a one-line summary for the log.</summary>
public sealed class StatsReading
{
    private readonly Dictionary<string, StatsFamily> families = new(StringComparer.Ordinal);

    public IEnumerable<StatsFamily> Families => families.Values;

    public string Summary { get; set; } = "";

    /// <summary>The family of that name, made on first use.</summary>
    public StatsFamily Family(string name, string help, bool counter, params string[] labelNames)
    {
        if (!families.TryGetValue(name, out var family))
        {
            family = new StatsFamily(name, help, counter, labelNames);
            families.Add(name, family);
        }

        return family;
    }
}
