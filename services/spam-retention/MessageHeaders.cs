namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The few header fields retention reads, unfolded, by case-insensitive name. A short list, not a dictionary: a
/// message carries at most a handful of them, and a mailbox holds 100,000 messages.
/// </summary>
public sealed class MessageHeaders
{
    private List<KeyValuePair<string, string>>? fields;

    public bool IsEmpty => fields is null;

    public void Add(string name, string value) => (fields ??= new List<KeyValuePair<string, string>>(2)).Add(new(name, Unfold(value)));

    public bool Has(string name) => fields?.Exists(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) == true;

    public IReadOnlyList<string> All(string name) =>
        fields?.Where(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToList() ?? (IReadOnlyList<string>)[];

    public string? First(string name) => fields?.Find(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>RFC 5322 unfolding: a line break followed by white space is white space.</summary>
    public static string Unfold(string value) =>
        value.Replace("\r\n", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();
}
