using MailserverWorkers.Shared.Commands;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// <c>Backup__PreCommand</c> and <c>Backup__PostCommand</c>: run here, as argv (no shell), with a time limit; what
/// they print goes to the log. A command that fails or overruns fails the run.
/// </summary>
public sealed class HookCommand(LocalCommandRunner runner, ILogger<HookCommand> logger)
{
    /// <summary>Runs <paramref name="commandLine"/>; null when it succeeded, else what went wrong.</summary>
    public async Task<string?> RunAsync(string key, string commandLine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var argv = CommandLineSplitter.Split(commandLine);
        if (argv.Count == 0)
        {
            return null;
        }

        logger.LogInformation("Running {Key}: {Program}", key, argv[0]);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var result = await runner.RunAsync(argv, async (stdout, ct) =>
            {
                using var reader = new StreamReader(stdout, leaveOpen: true);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    logger.LogInformation("{Key}: {Line}", key, line);
                }
            }, limit.Token);
            if (result.StandardError.Length > 0)
            {
                logger.LogInformation("{Key} (stderr): {Text}", key, result.StandardError);
            }

            return result.ExitCode == 0 ? null : $"{key} exited with code {result.ExitCode}{(result.StandardError.Length > 0 ? ": " + LastLine(result.StandardError) : "")}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{key} did not finish within {timeout} and was killed";
        }
        catch (CommandFailedException e)
        {
            return $"{key}: {e.Message}";
        }
    }

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();
}
