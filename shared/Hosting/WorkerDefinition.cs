namespace MailserverWorkers.Shared.Hosting;

/// <summary>What <c>--help</c> says about a worker.</summary>
/// <param name="Name">The program name, as in the image (<c>roundtrip-probe</c>).</param>
/// <param name="Summary">One sentence: what a run does.</param>
/// <param name="Details">The configuration keys and exit codes, as printed by <c>--help</c>.</param>
public sealed record WorkerDefinition(string Name, string Summary, string Details);
