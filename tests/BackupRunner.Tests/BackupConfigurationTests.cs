using MailserverWorkers.Testing;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>Bad configuration: exit 2 and one line naming the key, before anything is read or written.</summary>
public sealed class BackupConfigurationTests
{
    [Theory]
    [InlineData("Backup__Keep", "0", "Backup__Keep: The field Keep must be between 1 and 1000.")]
    [InlineData("Backup__Naming", "monthly", "Backup__Naming: 'monthly' is not one of iso-week, legacy-week")]
    [InlineData("Backup__Destination", "backups", "Backup__Destination: must be an absolute path, not 'backups'")]
    [InlineData("Backup__Sources__data", "var/mail", "Backup__Sources__data: must be an absolute path, not 'var/mail'")]
    [InlineData("Backup__Sources__.hidden", "/var/mail", "Backup__Sources__.hidden: a source name is letters, digits")]
    [InlineData("Backup__PreCommand", "doveadm 'flush", "Backup__PreCommand: unbalanced ' at position 9")]
    [InlineData("Backup__PostCommand", "true", "Backup__PostCommand: runs only after Backup__PreCommand, which is not set")]
    [InlineData("Backup__Acls", "yes", "Backup__Acls: 'yes' is not one of auto, true, false")]
    [InlineData("Backup__Name", "Mail Server", "Backup__Name: must be lower-case letters, digits and '-'")]
    [InlineData("Backup__Kepe", "3", "Backup__Kepe: unknown key")]
    [InlineData("Backup__RsyncArguments", "--dry-run", "Backup__RsyncArguments: --dry-run is not allowed (it copies nothing, and the empty snapshot would look complete); allowed: --exclude=..., --exclude-from=..., --include=..., --include-from=..., --filter=..., --bwlimit=..., --max-alloc=..., --inc-recursive, --one-file-system, -x, --checksum, -c, --open-noatime")]
    [InlineData("Backup__RsyncArguments", "--bwlimit=50m -n", "Backup__RsyncArguments: -n is not allowed (it copies nothing")]
    [InlineData("Backup__RsyncArguments", "--remove-source-files", "Backup__RsyncArguments: --remove-source-files is not allowed (it would empty the live mail volumes; sources are only ever read)")]
    [InlineData("Backup__RsyncArguments", "--delete-excluded", "Backup__RsyncArguments: --delete-excluded is not allowed (the runner decides what is deleted")]
    [InlineData("Backup__RsyncArguments", "--link-dest=/elsewhere", "Backup__RsyncArguments: --link-dest is not allowed (the runner links against its newest complete snapshot)")]
    [InlineData("Backup__RsyncArguments", "--only-write-batch=/tmp/b", "Backup__RsyncArguments: --only-write-batch is not allowed (a batch run does not copy")]
    [InlineData("Backup__RsyncArguments", "--max-size=1m", "Backup__RsyncArguments: --max-size is not allowed (it leaves files out")]
    [InlineData("Backup__RsyncArguments", "--exclude", "Backup__RsyncArguments: --exclude needs a value")]
    [InlineData("Backup__RsyncArguments", "-av", "Backup__RsyncArguments: -av is not allowed; allowed:")]
    public async Task ABadKey_Exits2_WithOneLineNamingIt(string key, string value, string expected)
    {
        var environment = Valid();
        environment[key] = value;

        var run = await WorkerProcess.RunAsync("backup-runner", environment);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith("backup-runner: configuration invalid: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--exclude=*.lock --bwlimit=50m")]
    [InlineData("--exclude dovecot.index.cache --include=cur/*** --filter='- *.tmp' --inc-recursive -x --checksum")]
    public async Task AllowedRsyncArguments_PassValidation(string arguments)
    {
        var environment = Valid();
        environment["Backup__RsyncArguments"] = arguments;

        // Past validation, the run stops at the missing destination: exit 1, not 2.
        var run = await WorkerProcess.RunAsync("backup-runner", environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Backup__Destination /backups does not exist (is the volume mounted?)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADestinationInsideASource_IsRefused_ForItWouldBackUpItsOwnSnapshots()
    {
        var environment = Valid();
        environment["Backup__Destination"] = "/var/mail/backups";

        var run = await WorkerProcess.RunAsync("backup-runner", environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Backup__Sources__data: '/var/mail' and Backup__Destination '/var/mail/backups' must not contain one another", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingDestination_AndNoSources_AreNamed()
    {
        var noDestination = await WorkerProcess.RunAsync("backup-runner", new Dictionary<string, string> { ["Backup__Sources__data"] = "/var/mail" });
        var noSources = await WorkerProcess.RunAsync("backup-runner", new Dictionary<string, string> { ["Backup__Destination"] = "/backups" });

        Assert.Equal(2, noDestination.ExitCode);
        Assert.Contains("Backup__Destination: The Destination field is required.", noDestination.Output, StringComparison.Ordinal);
        Assert.Equal(2, noSources.ExitCode);
        Assert.Contains("Backup__Sources: at least one source is required", noSources.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("restore --snapshot latest", "restore: --snapshot and --target are required")]
    [InlineData("restore --snapshot latest --target relative", "--target: must be an absolute path, not 'relative'")]
    [InlineData("list --force", "--force: not an option of list")]
    [InlineData("verify --sample 0", "--sample: '0' is not a positive number")]
    [InlineData("backup", "backup: unknown argument")]
    public async Task ABadCommandLine_Exits2(string arguments, string expected)
    {
        var run = await WorkerProcess.RunAsync("backup-runner", Valid(), arguments.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDestinationMustExist_TheRunnerNeverCreatesIt()
    {
        var environment = Valid();
        environment["Backup__Destination"] = "/nonexistent/backups";

        var run = await WorkerProcess.RunAsync("backup-runner", environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Backup__Destination /nonexistent/backups does not exist (is the volume mounted?)", run.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/nonexistent"));
    }

    private static Dictionary<string, string> Valid() => new()
    {
        ["Backup__Sources__data"] = "/var/mail",
        ["Backup__Destination"] = "/backups",
    };
}
