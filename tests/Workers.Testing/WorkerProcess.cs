using System.Diagnostics;
using System.Text;

namespace MailserverWorkers.Testing;

/// <summary>What a worker process did: its exit code and everything it wrote (stdout and stderr, interleaved).</summary>
public sealed record WorkerRun(int ExitCode, string Output, string StandardError = "")
{
    public IEnumerable<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'));

    /// <summary>The value the run logged for an unlabelled metric (its job log ends with every sample it pushed).</summary>
    public double LoggedMetric(string name)
    {
        var line = Lines.Last(l => l.Contains($" {name} ", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => $"exit {ExitCode}\n{Output}{StandardError}";
}

/// <summary>
/// Runs a worker as the CronJob would: a separate process with configuration in environment variables, so the
/// exit code and the log lines tests assert are the real ones.
/// </summary>
public static class WorkerProcess
{
    /// <summary>
    /// Where <c>scripts/test</c> published the workers (<c>artifacts</c>, one native binary each, as the images ship them),
    /// from <c>MAILWORKERS_PUBLISHED</c>; null for a plain <c>dotnet test</c>, which runs the build output with
    /// <c>dotnet</c>.
    /// </summary>
    public static string? PublishedFolder => Environment.GetEnvironmentVariable("MAILWORKERS_PUBLISHED") is { Length: > 0 } folder ? folder : null;

    /// <summary>
    /// The command line that starts the worker: its published native binary (<see cref="PublishedFolder"/>), or
    /// <c>dotnet</c> and its build output, in the configuration the tests were built in.
    /// </summary>
    public static IReadOnlyList<string> WorkerCommand(string name)
    {
        if (PublishedFolder is { } published)
        {
            var binary = Path.Combine(published, name, name);
            return File.Exists(binary) ? [binary] : throw new FileNotFoundException($"{name} is not published in {published} (MAILWORKERS_PUBLISHED)", binary);
        }

        // AppContext.BaseDirectory is tests/<Project>/bin/<configuration>/<framework>/.
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var dll = Path.Combine(MailStack.RepositoryRoot(), "services", name, "bin", configuration, framework.Name, name + ".dll");
        return File.Exists(dll) ? ["dotnet", dll] : throw new FileNotFoundException($"{name} is not built; the test project must reference it", dll);
    }

    /// <summary>Runs the worker as <paramref name="user"/> (runuser), as a worker sharing the mail server's uid does.</summary>
    public static IReadOnlyList<string> As(string user) => ["/usr/sbin/runuser", "-u", user, "--"];

    /// <summary>
    /// Runs the worker (<see cref="WorkerCommand"/>: the published native binary, or <c>dotnet</c> and the worker's own
    /// build output, as the copy in a test folder would resolve its dependencies against the test's frameworks), with
    /// <paramref name="environment"/> as its configuration. With <paramref name="terminateWhen"/>, the process gets
    /// SIGTERM (as Kubernetes sends it), or <paramref name="signal"/>, when the output has a line that matches it. With
    /// <paramref name="captureStandardErrorSeparately"/>, <see cref="WorkerRun.Output"/> holds standard output alone.
    /// With <paramref name="launcher"/>, that command line starts it (<c>runuser -u vmail --</c>, <c>faketime -f +365d</c>).
    /// </summary>
    public static async Task<WorkerRun> RunAsync(
        string assemblyName,
        IReadOnlyDictionary<string, string> environment,
        IEnumerable<string>? arguments = null,
        TimeSpan? timeout = null,
        Func<string, bool>? terminateWhen = null,
        bool captureStandardErrorSeparately = false,
        IReadOnlyList<string>? launcher = null,
        string signal = "TERM")
    {
        var command = (launcher ?? []).Concat(WorkerCommand(assemblyName)).ToList();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        // Inherited Section__Key variables would leak into the worker's configuration.
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var errors = captureStandardErrorSeparately ? new StringBuilder() : output;
        using var process = new Process { StartInfo = start };
        var terminated = 0;
        // Logs go to standard error, what a command prints to standard output: watch both.
        void OnLine(string? line, StringBuilder into)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                into.AppendLine(line);
            }

            if (terminateWhen?.Invoke(line) == true && Interlocked.Exchange(ref terminated, 1) == 0)
            {
                using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data, output);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, errors);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{assemblyName} did not exit within {timeout}; output so far:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new WorkerRun(process.ExitCode, output.ToString(), captureStandardErrorSeparately ? errors.ToString() : "");
        }
    }
}
