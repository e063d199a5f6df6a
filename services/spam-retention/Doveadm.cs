using System.Text;
using MailserverWorkers.Shared.Commands;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention;

/// <summary>Runs doveadm through the configured runner (here, or in the mail server's pod), bounded by <c>Dovecot__Timeout</c>.</summary>
public sealed class Doveadm(ICommandRunner runner, IOptions<DovecotOptions> options)
{
    public string Where => runner.Where;

    /// <summary>Runs a doveadm command whose output is not needed (the runner discards it); a non-zero exit throws.</summary>
    public Task RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(arguments, static (_, _) => Task.FromResult(true), cancellationToken);

    /// <summary>Runs <c>doveadm [-c conf] args</c>; a non-zero exit throws with doveadm's own message.</summary>
    public async Task<T> RunAsync<T>(IReadOnlyList<string> arguments, Func<Stream, CancellationToken, Task<T>> readOutput, CancellationToken cancellationToken)
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
        var what = $"doveadm {string.Join(' ', arguments.Take(4))} ({runner.Where})";
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(settings.Timeout);
        var result = default(T)!;
        CommandResult ended;
        try
        {
            ended = await runner.RunAsync(command, async (stdout, ct) => result = await readOutput(stdout, ct), bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RetentionFailedException($"{what}: did not finish within Dovecot__Timeout={settings.Timeout}");
        }
        catch (CommandFailedException e)
        {
            throw new RetentionFailedException($"{what}: {e.Message}", e);
        }

        if (ended.ExitCode != 0)
        {
            // doveadm's exit codes: 67 no such user, 68 no such mailbox or user, 75 temporary failure (see doveadm(1)).
            throw new RetentionFailedException($"{what}: exit code {ended.ExitCode}: {FirstLines(ended.StandardError)}");
        }

        return result;
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

    private static string FirstLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3);
        var joined = string.Join(" | ", lines);
        return joined.Length > 0 ? joined : "(no message)";
    }
}
