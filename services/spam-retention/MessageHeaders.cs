namespace MailserverWorkers.SpamRetention;

/// <summary>The few header fields retention reads, unfolded, by case-insensitive name.</summary>
public sealed class MessageHeaders
{
    private readonly Dictionary<string, List<string>> fields = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string name, string value)
    {
        if (!fields.TryGetValue(name, out var values))
        {
            fields[name] = values = [];
        }

        values.Add(Unfold(value));
    }

    public bool Has(string name) => fields.ContainsKey(name);

    public IReadOnlyList<string> All(string name) => fields.TryGetValue(name, out var values) ? values : [];

    public string? First(string name) => fields.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>RFC 5322 unfolding: a line break followed by white space is white space.</summary>
    public static string Unfold(string value) =>
        value.Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
}
