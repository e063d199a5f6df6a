namespace MailserverWorkers.Shared.Commands;

/// <summary>
/// Runs a command such as <c>doveadm</c>, here (<see cref="LocalCommandRunner"/>) or inside the mail server's pod
/// (<see cref="Kubernetes.KubernetesExecCommandRunner"/>). Standard output is streamed to the caller, standard error
/// collected (the first 64 KiB).
/// </summary>
public interface ICommandRunner
{
    /// <summary>Where commands run, for log lines ("local", "pod mail/mailserver-0").</summary>
    string Where { get; }

    /// <summary>
    /// Runs <paramref name="command"/> (argv, no shell) and hands its standard output to <paramref name="readStandardOutput"/>.
    /// Throws <see cref="CommandFailedException"/> when the command cannot be started or its stream is lost; a command
    /// that ran returns its exit code, whatever it is.
    /// </summary>
    Task<CommandResult> RunAsync(IReadOnlyList<string> command, Func<Stream, CancellationToken, Task> readStandardOutput, CancellationToken cancellationToken);
}

/// <summary>How a command ended.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardError">The first 64 KiB of what it wrote to standard error, trimmed.</param>
public sealed record CommandResult(int ExitCode, string StandardError);
