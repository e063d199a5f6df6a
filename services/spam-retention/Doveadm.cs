using System.Text;
using MailserverWorkers.Shared.Commands;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>Runs doveadm through the configured runner (here, or in the mail server's pod), bounded by <c>Dovecot__Timeout</c>.</summary>
public sealed class Doveadm(ICommandRunner runner, IOptions<DovecotOptions> options)
{
    public string Where => runner.Where;

    /// <summary>Runs a doveadm command whose output is not needed; a failure throws with doveadm's own message.</summary>
    public Task RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, static (_, _) => Task.FromResult(true), cancellationToken);

    /// <summary>Runs <c>doveadm [-c conf] args</c> and reads its output; a failure throws with doveadm's own message.</summary>
    public async Task<T> RunAsync<T>(IReadOnlyList<string> arguments, Func<Stream, CancellationToken, Task<T>> readOutput, CancellationToken cancellationToken)
    {
        var outcome = await TryRunAsync(arguments, readOutput, cancellationToken);
        return outcome.Problem is { } problem ? throw new RetentionFailedException($"{Describe(arguments)}: {problem}") : outcome.Output!;
    }

    /// <summary>
    /// Runs <c>doveadm [-c conf] args</c> and says whether its output can be trusted: not when it exited non-zero, wrote
    /// an <c>Error:</c>, <c>Fatal:</c> or <c>Panic:</c> line (2.3.19 goes on printing after a per-message error, with
    /// every later row's fields shifted by one), or printed what <paramref name="readOutput"/> could not read. The
    /// problem is doveadm's own line where it wrote one. Only a timeout or a runner that could not run it throws.
    /// </summary>
    public async Task<DoveadmOutcome<T>> TryRunAsync<T>(IReadOnlyList<string> arguments, Func<Stream, CancellationToken, Task<T>> readOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(readOutput);
        var settings = options.Value;
        List<string> command = [settings.DoveadmPath];
        if (!string.IsNullOrEmpty(settings.ConfigFile))
        {
            command.AddRange(["-c", settings.ConfigFile]);
        }

        command.AddRange(arguments);
        CommandOutput<T> run;
        try
        {
            run = await BoundedCommand.RunAsync(runner, command, readOutput, settings.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new RetentionFailedException($"{Describe(arguments)}: did not finish within Dovecot__Timeout={settings.Timeout}");
        }
        catch (CommandFailedException e)
        {
            throw new RetentionFailedException($"{Describe(arguments)}: {e.Message}", e);
        }

        var (ended, output, unreadable) = run;
        var errorLine = ErrorLine(ended.StandardError);
        var problem = ended.ExitCode != 0
            // doveadm's exit codes: 67 no such user, 68 no such mailbox or user, 75 temporary failure (doveadm(1)).
            ? $"exit code {ended.ExitCode}: {errorLine ?? FirstLines(ended.StandardError)}"
            : errorLine is not null ? $"reported an error: {errorLine}"
            : unreadable is not null ? $"printed output that could not be read: {unreadable}"
            : null;
        return new DoveadmOutcome<T>(problem is null ? output : default, problem);
    }

    /// <summary>A UID set in IMAP syntax with ranges (<c>1:5,7,9:12</c>), in pieces short enough for one command line.</summary>
    public static IEnumerable<string> UidSets(IEnumerable<long> uids, int maxLength = 4000)
    {
        var sorted = uids.Distinct().Order().ToList();
        var set = new StringBuilder();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            var range = i == j ? $"{sorted[i]}" : $"{sorted[i]}:{sorted[j]}";
            if (set.Length > 0 && set.Length + range.Length + 1 > maxLength)
            {
                yield return set.ToString();
                set.Clear();
            }

            set.Append(set.Length > 0 ? "," : "").Append(range);
            i = j + 1;
        }

        if (set.Length > 0)
        {
            yield return set.ToString();
        }
    }

    private string Describe(IReadOnlyList<string> arguments) =>
        $"doveadm {string.Join(' ', arguments.SkipWhile(a => a.StartsWith('-') || a == "json").Take(1))} ({runner.Where})";

    /// <summary>doveadm's first error line, without its <c>doveadm(user): </c> prefix.</summary>
    private static string? ErrorLine(string standardError)
    {
        foreach (var line in standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            foreach (var level in (string[])["Error: ", "Fatal: ", "Panic: "])
            {
                var at = line.IndexOf(level, StringComparison.Ordinal);
                if (at >= 0)
                {
                    return line[at..];
                }
            }
        }

        return null;
    }

    private static string FirstLines(string text)
    {
        var joined = string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3));
        return joined.Length > 0 ? joined : "(no message)";
    }
}
