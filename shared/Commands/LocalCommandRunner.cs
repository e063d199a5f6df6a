namespace MailserverWorkers.Shared.Commands;

/// <summary>Runs commands as child processes of the worker (<see cref="ChildProcess"/>).</summary>
public sealed class LocalCommandRunner : ICommandRunner
{
    /// <inheritdoc />
    public string Where => "local";

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(IReadOnlyList<string> command, Func<Stream, CancellationToken, Task> readStandardOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(readStandardOutput);
        // Disposed before it exited (cancelled, or the reader gave up on the output): the command must not outlive the call.
        using var child = ChildProcess.Start(command[0], command.Skip(1));
        var stderr = BoundedText.ReadAsync(child.StandardError.BaseStream, cancellationToken);
        await readStandardOutput(child.StandardOutput, cancellationToken);
        // Whatever the reader left unread must still be drained, or the process blocks on a full pipe.
        await child.StandardOutput.CopyToAsync(Stream.Null, cancellationToken);
        var error = await stderr;
        return new CommandResult(await child.WaitForExitAsync(cancellationToken), error);
    }
}
