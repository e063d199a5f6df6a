using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>
/// How the probe finds the junk folder, against the real Dovecot: by its \Junk flag, by name where the server
/// flags none (the flag and SPECIAL-USE taken out by a proxy), and by Probe__JunkFolder.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class ImapConnectionTests
{
    private readonly MailStack stack = MailStack.Instance;

    [Fact]
    public async Task AServerWithoutSpecialUse_HasItsJunkFolderFoundByName_AndSpamStillLandsThere()
    {
        await using var proxy = new ImapRewritingProxy(stack.ImapPort, (line, _) =>
            line.Replace(" SPECIAL-USE", "", StringComparison.Ordinal).Replace("\\Junk", "", StringComparison.Ordinal));
        var environment = ProbeEnvironment.Through(stack, proxy.Port);
        environment["Probe__To"] = "junk@" + stack.Domain;
        environment["Imap__Username"] = stack.SpamUser;
        environment["Imap__Password"] = stack.SpamPassword;

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == RoundtripExitCodes.DeliveredToJunk, run.ToString());
        Assert.Contains($"Watching INBOX and Junk of {stack.SpamUser} at 127.0.0.1:{proxy.Port}", run.Output, StringComparison.Ordinal);
        Assert.Contains("seen in Junk", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeJunkFolder_IsTheFolderWatched_AndAMissingOneIsNamed()
    {
        var create = await ExternalProgram.RunAsync("doveadm", ["-c", stack.DovecotConfig, "mailbox", "create", "-u", stack.ProbeUser, "Quarantaine"]);
        Assert.True(create.ExitCode == 0 || create.Error.Contains("already exists", StringComparison.Ordinal), create.Error);

        var environment = ProbeEnvironment.Through(stack);
        environment["Probe__JunkFolder"] = "Quarantaine";
        var named = await ProbeEnvironment.RunAsync(environment);
        environment["Probe__JunkFolder"] = "Nowhere";
        var missing = await ProbeEnvironment.RunAsync(environment);

        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Contains($"Watching INBOX and Quarantaine of {stack.ProbeUser}", named.Output, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains("failed at stage delivery: IMAP folder 'Nowhere' (Probe__JunkFolder) at 127.0.0.1:", missing.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Sent e2e-probe", missing.Output, StringComparison.Ordinal);
    }
}
