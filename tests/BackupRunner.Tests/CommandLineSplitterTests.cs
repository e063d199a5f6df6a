namespace MailserverWorkers.BackupRunner.Tests;

public sealed class CommandLineSplitterTests
{
    [Theory]
    [InlineData("doveadm sync -A", new[] { "doveadm", "sync", "-A" })]
    [InlineData("  spaced   out  ", new[] { "spaced", "out" })]
    [InlineData("sh -c 'echo \"$HOME\" it'\"'\"'s'", new[] { "sh", "-c", "echo \"$HOME\" it's" })]
    [InlineData("a\\ b \"c \\\" d\" ''", new[] { "a b", "c \" d", "" })]
    [InlineData("", new string[0])]
    public void SplitsLikeAShell(string commandLine, string[] expected) =>
        Assert.Equal(expected, CommandLineSplitter.Split(commandLine));

    [Theory]
    [InlineData("it's", "unbalanced ' at position 3")]
    [InlineData("say \"hi", "unbalanced \" at position 5")]
    [InlineData("end\\", "a trailing \\ escapes nothing")]
    public void AnUnbalancedQuoteIsAnError_NotAnotherCommand(string commandLine, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => CommandLineSplitter.Split(commandLine)).Message);
}
