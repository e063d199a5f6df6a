using MailserverWorkers.BackupRunner;
using MailserverWorkers.Shared.Hosting;

return await WorkerHost.RunAsync(args, BackupRunnerProgram.Definition, builder => builder.Services.AddBackupRunner());

namespace MailserverWorkers.BackupRunner
{
    /// <summary>What --help says; also used by tests that host the worker in-process.</summary>
    public static class BackupRunnerProgram
    {
        public static WorkerDefinition Definition { get; } = new(
            "backup-runner",
            "makes a weekly rsync --link-dest snapshot of each named source folder, atomically, keeps the newest N, and restores and verifies them.",
            $"""
            Commands: {BackupCommand.Usage}

            Backup__RsyncArguments takes: {RsyncArgumentPolicy.Allowed}

            Exit codes: 0 done (files that vanished during the copy are a warning); 1 the run, restore or verify failed
              (no snapshot was promoted, none deleted; a refused source or a clock behind the newest snapshot too);
              2 configuration invalid; 3 another run holds the destination's
              lock (nothing done); 130 stopped by a signal (the partial snapshot is resumed by the next run).
            """,
            BackupMetrics.Prefix,
            BackupMetrics.JobName("mailserver"),
            [new(BackupOptions.SectionName, typeof(BackupOptions))]);
    }
}
