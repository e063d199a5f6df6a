using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>The probe against a scripted IMAP peer on loopback that stalls where the real Dovecot never does.</summary>
public sealed class ImapFaultTests
{
    [Fact]
    public async Task AStallWhileLookingForTheJunkFolder_IsReported_WithItsStep_AndPushed()
    {
        await using var imap = new ScriptedImapServer(stallOnList: "Junk");
        var instance = "imap-stall-" + Guid.NewGuid().ToString("n")[..8];
        var environment = ProbeEnvironment.For(MailStack.Instance, instance, null);
        environment["Imap__Port"] = imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Imap__Security"] = "None";
        environment["Imap__Timeout"] = "00:00:01";

        // Run several times: the escape it replaces happened in 2 runs of 5.
        for (var i = 0; i < 3; i++)
        {
            var run = await WorkerProcess.RunAsync("roundtrip-probe", environment);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"IMAP folder 'Junk' at 127.0.0.1:{imap.Port}: no answer within 1s (timed out)", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", run.Output, StringComparison.Ordinal);
            Assert.Contains("Pushgateway push delivered", run.Output, StringComparison.Ordinal);
        }
    }
}
