using System.Text;
using System.Text.Json;

namespace MailserverWorkers.Shared.Commands;

/// <summary>
/// A command run through an <see cref="ICommandRunner"/> within a time limit, its standard output handed to a reader
/// that may find it unreadable (not JSON, cut short, past a bound): what doveadm, postqueue and rspamc are run with.
/// </summary>
public static class BoundedCommand
{
    /// <summary>
    /// Runs <paramref name="command"/>; a reader's parse failure is kept as <see cref="CommandOutput{T}.Unreadable"/>
    /// (the rest of the output is drained by the runner, and the exit code still comes first). Throws
    /// <see cref="TimeoutException"/> past <paramref name="timeout"/>, <see cref="CommandFailedException"/> when the
    /// runner could not run it.
    /// </summary>
    public static async Task<CommandOutput<T>> RunAsync<T>(
        ICommandRunner runner,
        IReadOnlyList<string> command,
        Func<Stream, CancellationToken, Task<T>> readOutput,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(readOutput);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var output = default(T);
        string? unreadable = null;
        try
        {
            var ended = await runner.RunAsync(
                command,
                async (stdout, ct) =>
                {
                    try
                    {
                        output = await readOutput(stdout, ct);
                    }
                    catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidDataException or KeyNotFoundException or DecoderFallbackException)
                    {
                        unreadable = e.Message;
                    }
                },
                bounded.Token);
            return new CommandOutput<T>(ended, unreadable is null ? output : default, unreadable);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"did not finish within {timeout}");
        }
    }
}

/// <summary>How a bounded command ended, what its reader made of its output, or why the output could not be read.</summary>
public sealed record CommandOutput<T>(CommandResult Ended, T? Output, string? Unreadable);
