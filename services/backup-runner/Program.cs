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

            Configuration (environment variables):
              Backup__Sources__<name>=<folder> (one per source), Backup__Destination, Backup__Keep (8),
              Backup__Naming (iso-week|legacy-week), Backup__Name (mailserver: metrics job <name>-backup),
              Backup__RsyncPath (rsync), Backup__RsyncArguments (allowed: {RsyncArgumentPolicy.Allowed}),
              Backup__IoTimeout (00:10:00), Backup__Acls and Backup__Xattrs (auto|true|false), Backup__Sync (true),
              Backup__RefuseEmptiedSource (true), Backup__MaxShrinkPercent (50), Backup__MaildirAware (auto|true|false),
              Backup__AdoptExisting (false), Backup__PreCommand, Backup__PostCommand, Backup__CommandTimeout (00:05:00),
              Backup__ProgressInterval (00:00:30), Pushgateway__*, UptimeKuma__PushUrl (and __Attempts, __RetryDelay,
              __AttemptTimeout)

            Exit codes: 0 done (files that vanished during the copy are a warning); 1 the run, restore or verify failed
              (no snapshot was promoted, none deleted; a refused source or a clock behind the newest snapshot too);
              2 configuration invalid; 3 another run holds the destination's
              lock (nothing done); 130 stopped by a signal (the partial snapshot is resumed by the next run).
            """,
            BackupMetrics.Prefix,
            BackupMetrics.JobName("mailserver"));
    }
}
