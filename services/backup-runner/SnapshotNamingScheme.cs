namespace MailserverWorkers.BackupRunner;

/// <summary>Values of <c>Backup__Naming</c>: <c>iso-week</c> (<c>2026-W15</c>) or <c>legacy-week</c> (<c>%Y-%W</c>, <c>2026-15</c>).</summary>
public enum SnapshotNamingScheme
{
    IsoWeek,
    LegacyWeek,
}
