using MailserverWorkers.Shared.Hosting;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// The exit codes of roundtrip-probe's round trip (README.md, "Exit codes"); the host turns a 0 whose every report
/// failed into 1 (<see cref="RunReporter"/>).
/// </summary>
public static class RoundtripExitCodes
{
    /// <summary>The mail arrived, but in the junk folder.</summary>
    public const int DeliveredToJunk = 3;

    /// <summary>1 when the round trip failed, 3 for junk, 0 when the mail reached INBOX.</summary>
    public static int For(RoundtripOutcome outcome) => outcome switch
    {
        RoundtripOutcome.Inbox => ExitCodes.Success,
        RoundtripOutcome.Junk => DeliveredToJunk,
        _ => ExitCodes.Failure,
    };
}
