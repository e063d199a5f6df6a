using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace MailserverWorkers.Shared.Commands;

/// <summary>
/// A child process as every worker runs one (doveadm, rsync, the backup hooks): no shell (arguments are passed as
/// they are), standard input closed, the minimal environment of <see cref="ChildEnvironment"/>, both output streams
/// for the caller to read, and never outliving its owner: disposed before it exited (cancelled, or the caller gave
/// up), its whole process tree is killed.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process process;
    private bool exited;

    private ChildProcess(Process process) => this.process = process;

    /// <summary>Standard output, as bytes.</summary>
    public Stream StandardOutput => process.StandardOutput.BaseStream;

    /// <summary>Standard error, as UTF-8 text.</summary>
    public StreamReader StandardError => process.StandardError;

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/> and, beyond the minimal environment,
    /// <paramref name="environment"/>; throws <see cref="CommandFailedException"/> when it cannot be started.
    /// </summary>
    public static ChildProcess Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        ChildEnvironment.ApplyTo(start);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new CommandFailedException($"cannot start {program}: {e.Message}", e);
        }

        process.StandardInput.Close();
        return new ChildProcess(process);
    }

    /// <summary>Waits for the exit and returns the exit code (.NET gives 128 + the signal for a process a signal killed).</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken);
        exited = true;
        return process.ExitCode;
    }

    /// <summary>Kills the whole process tree unless it exited, and releases the process.</summary>
    public void Dispose()
    {
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It had exited already.
            }
        }

        process.Dispose();
    }
}
