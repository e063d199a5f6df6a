using MailserverWorkers.RoundtripProbe;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;

return await WorkerHost.RunAsync(args, RoundtripProbeProgram.Definition, builder => builder.Services.AddRoundtripProbe());

namespace MailserverWorkers.RoundtripProbe
{
    /// <summary>What --help says; also what the chart's tests read the worker's keys from.</summary>
    public static class RoundtripProbeProgram
    {
        public static WorkerDefinition Definition { get; } = new(
            "roundtrip-probe",
            "sends a marked mail, waits for it over IMAP, deletes it, pushes metrics and an Uptime Kuma heartbeat.",
            """
            Exit codes: 0 mail reached INBOX and a report was delivered; 1 round trip failed, or every report failed;
              2 configuration invalid; 3 mail arrived in the junk folder; 130 stopped by a signal.
            """,
            RoundtripMetrics.Prefix,
            RoundtripMetrics.DefaultJob,
            [
                new(ProbeOptions.SectionName, typeof(ProbeOptions)),
                new(SmtpOptions.SectionName, typeof(SmtpOptions)),
                new(BrevoOptions.SectionName, typeof(BrevoOptions)),
                new(ImapOptions.SectionName, typeof(ImapOptions)),
            ]);
    }
}
