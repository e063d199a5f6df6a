using System.ComponentModel;
using System.Diagnostics;

namespace MailserverWorkers.Shared.Commands;

/// <summary>
/// Runs commands as child processes of the worker (no shell; arguments are passed as they are), with the minimal
/// environment of <see cref="ChildEnvironment"/>.
/// </summary>
public sealed class LocalCommandRunner : ICommandRunner
{
    /// <inheritdoc />
    public string Where => "local";

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(IReadOnlyList<string> command, Func<Stream, CancellationToken, Task> readStandardOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(readStandardOutput);
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        ChildEnvironment.ApplyTo(start);
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new CommandFailedException($"cannot start {command[0]}: {e.Message}", e);
        }

        process.StandardInput.Close();
        try
        {
            var stderr = BoundedText.ReadAsync(process.StandardError.BaseStream, cancellationToken);
            await readStandardOutput(process.StandardOutput.BaseStream, cancellationToken);
            // Whatever the reader left unread must still be drained, or the process blocks on a full pipe.
            await process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
            var error = await stderr;
            await process.WaitForExitAsync(cancellationToken);
            return new CommandResult(process.ExitCode, error);
        }
        catch
        {
            // Cancelled, or the reader gave up on the output: the command must not outlive the call.
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
