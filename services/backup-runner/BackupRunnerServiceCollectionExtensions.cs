using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MailserverWorkers.BackupRunner;

public static class BackupRunnerServiceCollectionExtensions
{
    /// <summary>Registers the backup job, its options (<c>Backup__*</c>, <c>Pushgateway__*</c>, <c>UptimeKuma__*</c>) and the parts it runs.</summary>
    public static IServiceCollection AddBackupRunner(this IServiceCollection services)
    {
        services.AddWorkerOptions<BackupOptions>(BackupOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddSingleton<LocalCommandRunner>();
        services.AddSingleton<Rsync>();
        services.AddSingleton<HookCommand>();
        services.AddScoped<SnapshotRun>();
        services.AddScoped<SnapshotLister>();
        services.AddScoped<SnapshotRestorer>();
        services.AddScoped<SnapshotVerifier>();
        services.AddScoped<IWorkerJob, BackupJob>();
        services.AddScoped<IWorkerCheck, BackupCheck>();
        return services;
    }
}
