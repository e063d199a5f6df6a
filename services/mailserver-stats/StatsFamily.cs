namespace MailserverWorkers.MailserverStats;

/// <summary>One metric a source read: its name, help, whether it only grows (a counter), its label names and samples.</summary>
public sealed class StatsFamily(string name, string help, bool counter, params string[] labelNames)
{
    public string Name { get; } = name;

    public string Help { get; } = help;

    /// <summary>A count since the server (or its statistics) started, exposed as a counter; else a gauge.</summary>
    public bool Counter { get; } = counter;

    public IReadOnlyList<string> LabelNames { get; } = labelNames;

    public List<(string[] Labels, double Value)> Samples { get; } = [];

    public StatsFamily Add(double value, params string[] labels)
    {
        if (labels.Length != LabelNames.Count)
        {
            throw new ArgumentException($"{Name} has labels {string.Join(",", LabelNames)}", nameof(labels));
        }

        Samples.Add((labels, value));
        return this;
    }
}
