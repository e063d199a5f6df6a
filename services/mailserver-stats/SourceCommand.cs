using MailserverWorkers.Shared.Commands;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// Runs a source's command through the configured runner (here, or in the mail server's pod), bounded by
/// <c>Stats__Timeout</c>, and trusts its output only when the command exited 0 and its output could be read whole.
/// </summary>
public sealed class SourceCommand(ICommandRunner runner, IOptions<StatsOptions> options)
{
    public string Where => runner.Where;

    /// <summary>Runs <paramref name="command"/> and reads its standard output; any failure throws <see cref="StatsSourceException"/>.</summary>
    public async Task<T> RunAsync<T>(IReadOnlyList<string> command, Func<Stream, CancellationToken, Task<T>> readOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(readOutput);
        var name = Path.GetFileName(command[0]);
        CommandOutput<T> run;
        try
        {
            run = await BoundedCommand.RunAsync(runner, command, readOutput, options.Value.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new StatsSourceException($"{name} ({runner.Where}) did not finish within Stats__Timeout={options.Value.Timeout}");
        }
        catch (CommandFailedException e)
        {
            throw new StatsSourceException($"{name} ({runner.Where}): {e.Message}", e);
        }

        var (ended, output, unreadable) = run;
        if (ended.ExitCode != 0)
        {
            throw new StatsSourceException($"{name} ({runner.Where}) exited {ended.ExitCode}: {FirstLine(ended.StandardError)}");
        }

        return unreadable is not null
            ? throw new StatsSourceException($"{name} ({runner.Where}) printed output that could not be read: {unreadable}")
            : output!;
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no message)";
}
