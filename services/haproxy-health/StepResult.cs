namespace MailserverWorkers.HaproxyHealth;

/// <summary>What one step of a run found (null when it was not configured or failed) and the failures it decided.</summary>
public sealed record StepResult<T>(T? Value, IReadOnlyList<string> Failures)
    where T : class;
