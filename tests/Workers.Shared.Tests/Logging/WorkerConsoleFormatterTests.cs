using MailserverWorkers.Shared.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailserverWorkers.Shared.Tests.Logging;

public sealed class WorkerConsoleFormatterTests
{
    private static string Format(LogLevel level, string message, Exception? exception = null)
    {
        using var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "MailserverWorkers.RoundtripProbe.RoundtripProbeJob", default, message, exception, (s, _) => s);
        new WorkerConsoleFormatter().Write(entry, null, writer);
        return writer.ToString();
    }

    [Theory]
    [InlineData(LogLevel.Information, "INFO ")]
    [InlineData(LogLevel.Warning, "WARN ")]
    [InlineData(LogLevel.Error, "ERROR")]
    public void Write_PrintsOneLine_UtcWithMilliseconds_LevelAndShortCategory(LogLevel level, string word)
    {
        var line = Format(level, "first\nsecond");

        Assert.Matches($@"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z {word} RoundtripProbeJob: first second{Environment.NewLine}$", line);
    }

    [Fact]
    public void Write_EscapesControlCharacters_SoAQuotedHeaderCannotDriveTheTerminal()
    {
        var line = Format(LogLevel.Warning, "Kept cur/x: from \u001b[2J\u0000evil\u007f\tend\r\nnext");

        Assert.EndsWith(@"RoundtripProbeJob: Kept cur/x: from \x1b[2J\x00evil\x7f" + "\tend next" + Environment.NewLine, line);
    }

    [Fact]
    public void Write_IndentsAnExceptionOnTheFollowingLines()
    {
        var lines = Format(LogLevel.Error, "failed", new InvalidOperationException("boom")).Split(Environment.NewLine);

        Assert.EndsWith("ERROR RoundtripProbeJob: failed", lines[0]);
        Assert.Equal("    System.InvalidOperationException: boom", lines[1]);
    }
}
