using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Kubernetes;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.SpamRetention;

return await WorkerHost.RunAsync(args, SpamRetentionProgram.Definition, builder => builder.Services.AddSpamRetention(builder.Configuration));

namespace MailserverWorkers.SpamRetention
{
    /// <summary>What --help says; also what the chart's tests read the worker's keys from.</summary>
    public static class SpamRetentionProgram
    {
        public static WorkerDefinition Definition { get; } = new(
            "spam-retention",
            "deletes automated mail after 14 days and other mail after 90 days from the catch-all mailbox, reading headers only.",
            """
            Commands: run (default) | profile [--json]; --dry-run (say, delete nothing); --force (past the caps)

            Imap__* with Retention__Backend=imap; Kubernetes__* with Dovecot__Runner=kubernetes.

            Exit codes: 0 done; 1 the run failed (mailbox unreadable, doveadm or IMAP failed); 2 configuration invalid;
              3 refused: more would be deleted than the caps allow (nothing was deleted; a dry run: a real run would refuse);
              130 stopped by a signal.
            """,
            RetentionMetrics.Prefix,
            RetentionMetrics.DefaultJob,
            [
                new(RetentionOptions.SectionName, typeof(RetentionOptions)),
                new(DovecotOptions.SectionName, typeof(DovecotOptions)),
                new(KubernetesOptions.SectionName, typeof(KubernetesOptions)),
                new(ImapOptions.SectionName, typeof(ImapOptions)),
            ]);
    }
}
