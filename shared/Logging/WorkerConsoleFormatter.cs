using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace MailserverWorkers.Shared.Logging;

/// <summary>
/// One line per event, greppable by level: <c>2026-11-25T15:30:00.123Z ERROR RoundtripProbeJob: ...</c>.
/// UTC with milliseconds, because the benchmarks and the operators line these up with Postfix and Dovecot logs.
/// An exception passed to the logger (only unexpected ones are) follows on indented lines.
/// </summary>
public sealed class WorkerConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    /// <summary>The name to select with <c>Logging__Console__FormatterName</c>; <c>json</c> selects JSON lines instead.</summary>
    public const string FormatterName = "worker";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var category = logEntry.Category[(logEntry.Category.LastIndexOf('.') + 1)..];
        textWriter.Write(DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(' ');
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(' ');
        textWriter.Write(category);
        textWriter.Write(": ");
        textWriter.WriteLine(Printable(message.ReplaceLineEndings(" ")));
        if (logEntry.Exception is not null)
        {
            foreach (var line in logEntry.Exception.ToString().Split('\n'))
            {
                textWriter.Write("    ");
                textWriter.WriteLine(line.TrimEnd('\r'));
            }
        }
    }

    // Header values, file names and server replies are quoted in log lines: an escape sequence or a NUL from a
    // message must not reach the operator's terminal or log pipeline as itself.
    private static string Printable(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c != '\t'))
        {
            return text;
        }

        var escaped = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            escaped.Append(char.IsControl(c) && c != '\t' ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return escaped.ToString();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        LogLevel.Critical => "FATAL",
        _ => "     ",
    };
}
