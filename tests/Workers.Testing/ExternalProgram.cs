using System.Diagnostics;
using System.Text;

namespace MailserverWorkers.Testing;

/// <summary>How an external program (find, rsync, promtool, go) ended: its exit code and what it printed.</summary>
public sealed record ProgramRun(int ExitCode, string Output, string Error);

/// <summary>Runs the real tools the tests read trees and rules with, argv only (no shell), output captured.</summary>
public static class ExternalProgram
{
    public static async Task<ProgramRun> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ProgramRun(process.ExitCode, await output, await error);
    }

    /// <summary>The same, waited for: for the callers that are synchronous (xunit theory data, Lazy).</summary>
    public static ProgramRun Run(string program, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync(program, arguments, workingDirectory, environment).GetAwaiter().GetResult();
}
