using System.Text;
using MailserverWorkers.Shared.Commands;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.BackupRunner;

/// <summary>How one rsync ended.</summary>
/// <param name="Error">rsync's own words when it failed: its error lines, not the lines about vanished files.</param>
public sealed record RsyncResult(int ExitCode, RsyncStats Stats, int Vanished, string? Error)
{
    /// <summary>0, or 24: files vanished between rsync's listing and its copy, which is normal on a live maildir.</summary>
    public bool Succeeded => ExitCode is 0 or Rsync.VanishedExitCode;
}

/// <summary>
/// Runs rsync as a child process (argv, no shell, LC_ALL=C so its figures parse), logs its progress every
/// <c>Backup__ProgressInterval</c>, reads its <c>--stats</c>, and keeps its error lines for the failure message.
/// </summary>
public sealed class Rsync(IOptions<BackupOptions> options, TimeProvider time, ILogger<Rsync> logger)
{
    public const int VanishedExitCode = 24;
    private const string VanishedPrefix = "file has vanished: ";
    private const int KeptErrorLines = 6;
    private static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The flags every copy uses: archive with hard links, numeric owners, holes kept, and rsync's I/O timeout.</summary>
    public IReadOnlyList<string> CommonArguments(bool acls, bool xattrs)
    {
        var settings = options.Value;
        // --modify-window=-1 compares times to the nanosecond: by default rsync leaves a folder's time alone when
        // it matches to the second, so a folder changed in the same second as the copy kept the copy's own time
        // (RsyncProject/rsync#802; seen in this project's restore test). --no-inc-recursive: with incremental
        // recursion rsync may copy a hard-linked file before it finds its other link (rsync(1), --hard-links), and
        // Dovecot hard-links a message copied between folders; the full file list costs ~100 bytes a file and makes
        // the progress percentage true. Backup__RsyncArguments=--inc-recursive turns it back on.
        var arguments = new List<string> { "-aH", "--no-inc-recursive", "--modify-window=-1", "--numeric-ids", "--sparse", "--no-human-readable", "--info=progress2", "--stats" };
        arguments.Add($"--timeout={(int)settings.IoTimeout.TotalSeconds}");
        if (acls)
        {
            arguments.Add("--acls");
        }

        if (xattrs)
        {
            arguments.Add("--xattrs");
        }

        arguments.AddRange(CommandLineSplitter.Split(settings.RsyncArguments ?? ""));
        return arguments;
    }

    /// <summary>Runs rsync with <paramref name="arguments"/>; <paramref name="label"/> names the copy in log lines.</summary>
    /// <summary>Starts <c>Backup__RsyncPath</c> with <paramref name="arguments"/> (C locale, the minimal child environment); one that cannot start is named by its key.</summary>
    public ChildProcess Start(IReadOnlyList<string> arguments)
    {
        var path = options.Value.RsyncPath;
        try
        {
            return ChildProcess.Start(path, arguments, new Dictionary<string, string> { ["LC_ALL"] = "C" });
        }
        catch (CommandFailedException e)
        {
            throw new BackupFailedException($"cannot start rsync (Backup__RsyncPath={path}): {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    public async Task<RsyncResult> RunAsync(string label, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = options.Value;
        var process = Start(arguments);

        // Disposed before rsync exited (cancelled, failed): its sender, generator and receiver are one tree, and none
        // of them may keep writing after we stop.
        using var child = process;
        // The command as a shell would take it, so that an operator can run the same copy by hand.
        logger.LogInformation("{Label}: {Command}", label, string.Join(' ', arguments.Prepend(settings.RsyncPath).Select(ShellQuote)));
        var progress = new ProgressState();
        using var stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var output = Task.Factory.StartNew(
            () => ReadOutput(child.StandardOutput, progress, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var errors = ReadErrorsAsync(child.StandardError, label, cancellationToken);
        var reporter = ReportProgressAsync(label, progress, stopProgress.Token);
        try
        {
            var statsLines = await output;
            var (vanished, errorLines) = await errors;
            var code = await child.WaitForExitAsync(cancellationToken);
            var result = new RsyncResult(code, RsyncStats.Parse(statsLines), vanished, code is 0 or VanishedExitCode ? null : Describe(code, errorLines));
            if (vanished > 0)
            {
                logger.LogWarning("{Label}: {Count} files vanished while rsync copied (normal on a live mail store)", label, vanished);
            }

            return result;
        }
        finally
        {
            await stopProgress.CancelAsync();
            await reporter;
        }
    }

    private static string ShellQuote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_=./:,+@%".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Describe(int code, List<string> errorLines)
    {
        // .NET reports a process killed by a signal as 128 + the signal.
        var what = code > 128 ? $"rsync was killed by signal {code - 128}" : $"rsync exited with code {code}";
        return errorLines.Count == 0 ? what : $"{what}: {string.Join(" | ", errorLines)}";
    }

    private static List<string> ReadOutput(Stream stdout, ProgressState progress, CancellationToken cancellationToken)
    {
        // rsync writes a progress line for every file it copies, tens of thousands a second. An async read wakes the
        // runtime's epoll thread for each of them, which cost a third of rsync's own time (bench/backup). So this is
        // a thread of its own with blocking reads, draining the pipe at most every 20 ms in large reads; rsync
        // stalls only if it writes 64 KiB (the pipe's size) in 20 ms, and then reads go on at once.
        var lines = new List<string>();
        var decoder = Encoding.UTF8.GetDecoder();
        var line = new StringBuilder();
        var bytes = new byte[64 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int read;
        while ((read = stdout.Read(bytes)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0);
            for (var i = 0; i < count; i++)
            {
                var c = chars[i];
                if (c is not ('\r' or '\n'))
                {
                    line.Append(c);
                    continue;
                }

                // Progress lines end in '\r', the --stats block in '\n'.
                var text = line.ToString().Trim();
                line.Clear();
                if (text.Contains('%', StringComparison.Ordinal) && text.Length > 0 && char.IsAsciiDigit(text[0]))
                {
                    progress.Latest = text;
                }
                else if (text.Length > 0)
                {
                    lines.Add(text);
                }
            }

            if (read < bytes.Length && !cancellationToken.IsCancellationRequested)
            {
                Thread.Sleep(DrainInterval);
            }
        }

        return lines;
    }

    private async Task<(int Vanished, List<string> ErrorLines)> ReadErrorsAsync(StreamReader reader, string label, CancellationToken cancellationToken)
    {
        int vanished = 0, other = 0;
        var kept = new List<string>();
        string? last = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(VanishedPrefix, StringComparison.Ordinal))
            {
                if (++vanished <= 10)
                {
                    logger.LogInformation("{Label}: {Line}", label, line);
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (++other <= 20)
            {
                logger.LogWarning("{Label}: rsync: {Line}", label, line);
            }

            if (kept.Count < KeptErrorLines - 1)
            {
                kept.Add(line);
            }
            else
            {
                last = line;
            }
        }

        if (other > 20)
        {
            logger.LogWarning("{Label}: rsync wrote {Count} more error lines", label, other - 20);
        }

        // The final "rsync error: ... (code N)" line says what kind of failure it was: always keep it.
        if (last is not null)
        {
            kept.Add(last);
        }

        return (vanished, kept);
    }

    private async Task ReportProgressAsync(string label, ProgressState progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.ProgressInterval, time);
        string? reported = null;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var latest = progress.Latest;
                if (latest is not null && latest != reported)
                {
                    // "1001601300  45%   95.57MB/s    0:00:10 (xfr#40213, ir-chk=1000/60602)": bytes, share, rate, elapsed, files.
                    logger.LogInformation("{Label}: copied {Progress}", label, System.Text.RegularExpressions.Regex.Replace(latest, @"\s+", " "));
                    reported = latest;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class ProgressState
    {
        public volatile string? Latest;
    }
}
