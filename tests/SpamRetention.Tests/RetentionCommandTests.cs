using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.SpamRetention.Tests;

public sealed class RetentionCommandTests
{
    [Fact]
    public void Parse_DefaultsToRun() => Assert.Equal(new RetentionCommand(false, false, false, false), RetentionCommand.Parse([]));

    [Fact]
    public void Parse_ReadsProfileJsonDryRunAndForce()
    {
        Assert.Equal(new RetentionCommand(true, true, false, false), RetentionCommand.Parse(["profile", "--json"]));
        Assert.Equal(new RetentionCommand(false, false, true, true), RetentionCommand.Parse(["run", "--dry-run", "--force"]));
    }

    [Theory]
    [InlineData(new[] { "delete-all" }, "delete-all: unknown argument (usage: spam-retention [run|profile] [--dry-run] [--force] [--json])")]
    [InlineData(new[] { "--json" }, "--json: only with profile")]
    [InlineData(new[] { "run", "profile" }, "profile: unknown argument (usage: spam-retention [run|profile] [--dry-run] [--force] [--json])")]
    public void Parse_RejectsWhatItDoesNotKnow(string[] args, string expected) =>
        Assert.Equal(expected, Assert.Throws<WorkerConfigurationException>(() => RetentionCommand.Parse(args)).Message);
}
