namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// What <c>--check</c> does for a worker (the chart's <c>helm test</c> runs it): reach every server the worker would
/// use and log in, reading only what cannot change anything. No mail sent, nothing deleted or written, nothing
/// reported. Each step is one <see cref="CheckStep"/>; a failed one does not stop the others.
/// </summary>
public interface IWorkerCheck
{
    /// <summary>The steps, each with the work that proves it; a step fails by throwing (its message is the line).</summary>
    IEnumerable<CheckStep> Steps();
}
