using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;
using System.Text.RegularExpressions;

namespace MailserverWorkers.BackupRunner;

/// <summary>The <c>Backup__*</c> keys: what to copy, where to, how many snapshots to keep.</summary>
public sealed partial class BackupOptions : IValidatableObject
{
    public const string SectionName = "Backup";

    /// <summary>Named source folders, <c>Backup__Sources__data=/var/mail</c>; each is copied to <c>&lt;snapshot&gt;/&lt;name&gt;/</c>.</summary>
    public Dictionary<string, string> Sources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The folder that holds the snapshots (an NFS mount or a volume). It must exist: the runner never creates it.</summary>
    [Required]
    public string? Destination { get; set; }

    /// <summary>How many completed snapshots to keep (default 8).</summary>
    [Range(1, 1000)]
    public int Keep { get; set; } = 8;

    /// <summary><c>iso-week</c> (<c>2026-W15</c>, the default) or <c>legacy-week</c> (<c>%Y-%W</c>, <c>2026-15</c>).</summary>
    public SnapshotNamingScheme Naming { get; set; } = SnapshotNamingScheme.IsoWeek;

    /// <summary>The metrics job is <c>&lt;Name&gt;-backup</c> (default <c>mailserver</c>); also recorded in each snapshot.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([a-z0-9-]{0,50}[a-z0-9])?$", ErrorMessage = "must be lower-case letters, digits and '-' (a metrics job prefix)")]
    public string Name { get; set; } = "mailserver";

    /// <summary>The rsync program (default <c>rsync</c>, looked up in PATH).</summary>
    [Required]
    public string RsyncPath { get; set; } = "rsync";

    /// <summary>
    /// More rsync arguments, split like a command line (e.g. <c>--exclude=*.lock --bwlimit=50m</c>), from an allow-list
    /// (<see cref="RsyncArgumentPolicy"/>): an option that would copy nothing, touch the sources or decide deletions is refused.
    /// </summary>
    public string? RsyncArguments { get; set; }

    /// <summary>rsync's own I/O timeout (<c>--timeout</c>): a copy that moves no data this long fails (default 10 minutes).</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan IoTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Preserve POSIX ACLs: <c>auto</c> (when the destination supports them), <c>true</c> or <c>false</c>.</summary>
    public AutoSwitch Acls { get; set; } = AutoSwitch.Auto;

    /// <summary>Preserve extended attributes: <c>auto</c> (when the destination supports them), <c>true</c> or <c>false</c>.</summary>
    public AutoSwitch Xattrs { get; set; } = AutoSwitch.Auto;

    /// <summary>
    /// Maildir-aware linking (<see cref="SourceWalk"/>): a message renamed for a flag or moved from <c>new/</c> to
    /// <c>cur/</c> since the previous snapshot is linked, not stored again. <c>auto</c> (the default) and <c>true</c>
    /// link wherever a source holds Maildir folders (<c>true</c> warns when it holds none); <c>false</c> leaves it to rsync.
    /// </summary>
    public AutoSwitch MaildirAware { get; set; } = AutoSwitch.Auto;

    /// <summary>Flush the destination file system (syncfs) before a snapshot is declared complete (default true).</summary>
    public bool Sync { get; set; } = true;

    /// <summary>
    /// Refuse a source without a single regular file (folders such as lost+found do not count) when the newest snapshot
    /// has files of it: an unmounted volume looks like an empty folder, and copying it would rotate the good snapshots
    /// away (default true).
    /// </summary>
    public bool RefuseEmptiedSource { get; set; } = true;

    /// <summary>
    /// Refuse a source whose regular files or bytes dropped by more than this percentage against the newest completed
    /// snapshot, checked before and after the copy (default 50; 100 turns it off).
    /// </summary>
    [Range(1, 100)]
    public double MaxShrinkPercent { get; set; } = 50;

    /// <summary>
    /// Treat folders named like snapshots but made before this runner (the shell CronJob's <c>2026-15/</c>) as snapshots
    /// when they hold nothing but folders named like the sources: the first run links against them and retention
    /// rotates them (default false: they are left alone).
    /// </summary>
    public bool AdoptExisting { get; set; }

    /// <summary>A command run before the copy (argv, split like a command line, no shell), e.g. to flush or quiesce.</summary>
    public string? PreCommand { get; set; }

    /// <summary>A command run after the copy, whatever its outcome, when the pre-command ran.</summary>
    public string? PostCommand { get; set; }

    /// <summary>Time limit of each of the pre- and post-command (default 5 minutes).</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a long copy logs its progress (default 30 seconds).</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How snapshots are named, by <see cref="Naming"/>.</summary>
    public SnapshotNaming SnapshotNaming() => BackupRunner.SnapshotNaming.For(Naming);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Sources.Count == 0)
        {
            yield return new ValidationResult("at least one source is required (Backup__Sources__<name>=/path)", [nameof(Sources)]);
        }

        var destination = Destination is { Length: > 0 } && Path.IsPathFullyQualified(Destination) ? Normalize(Destination) : null;
        if (Destination is { Length: > 0 } && destination is null)
        {
            yield return new ValidationResult($"must be an absolute path, not '{Destination}'", [nameof(Destination)]);
        }

        foreach (var (name, path) in Sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var key = $"{nameof(Sources)}__{name}";
            if (!SourceNamePattern().IsMatch(name))
            {
                yield return new ValidationResult("a source name is letters, digits, '.', '_' and '-', not starting with '.' or '-'", [key]);
            }
            else if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
            {
                yield return new ValidationResult($"must be an absolute path, not '{path}'", [key]);
            }
            else if (destination is not null && (Contains(Normalize(path), destination) || Contains(destination, Normalize(path))))
            {
                // rsync would copy the snapshots into themselves, or the sources into the snapshots' own folder.
                yield return new ValidationResult($"'{path}' and Backup__Destination '{Destination}' must not contain one another", [key]);
            }
        }

        foreach (var (member, command) in new[] { (nameof(PreCommand), PreCommand), (nameof(PostCommand), PostCommand), (nameof(RsyncArguments), RsyncArguments) })
        {
            string? error = null;
            try
            {
                var arguments = CommandLineSplitter.Split(command ?? "");
                error = member == nameof(RsyncArguments) ? RsyncArgumentPolicy.Check(arguments) : null;
            }
            catch (FormatException e)
            {
                error = e.Message;
            }

            if (error is not null)
            {
                yield return new ValidationResult(error, [member]);
            }
        }

        if (PostCommand is { Length: > 0 } && PreCommand is not { Length: > 0 })
        {
            yield return new ValidationResult("runs only after Backup__PreCommand, which is not set", [nameof(PostCommand)]);
        }
    }

    /// <summary>The sources in a fixed order (by name), so that runs and logs are reproducible.</summary>
    public IReadOnlyList<(string Name, string Path)> OrderedSources() =>
        Sources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value)).ToList();

    private static string Normalize(string path) => Path.GetFullPath(path).TrimEnd('/') + "/";

    private static bool Contains(string outer, string inner) => inner.StartsWith(outer, StringComparison.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}$")]
    private static partial Regex SourceNamePattern();
}
