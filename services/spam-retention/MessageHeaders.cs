namespace MailserverWorkers.SpamRetention;

/// <summary>
/// The few header fields retention reads, by case-insensitive name, every occurrence kept in order (a repeated field
/// is several entries, never one joined value). Values come unfolded from <see cref="HeaderBlockReader"/> and are kept
/// trimmed. A short list, not a dictionary: a message carries at most a handful of them, and a mailbox holds 100,000.
/// </summary>
public sealed class MessageHeaders
{
    private List<KeyValuePair<string, string>>? fields;

    public bool IsEmpty => fields is null;

    public void Add(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        (fields ??= new List<KeyValuePair<string, string>>(2)).Add(new(name, value.Trim()));
    }

    /// <summary>True when a field called <paramref name="name"/> has a value that satisfies <paramref name="predicate"/> (no allocation).</summary>
    public bool Any(string name, Func<string, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (fields is null)
        {
            return false;
        }

        foreach (var (key, value) in fields)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase) && predicate(value))
            {
                return true;
            }
        }

        return false;
    }

    public IReadOnlyList<string> All(string name) =>
        fields?.Where(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToList() ?? (IReadOnlyList<string>)[];

    public string? First(string name) => fields?.Find(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
