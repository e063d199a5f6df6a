using System.Globalization;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;

namespace MailserverWorkers.BackupRunner;

/// <summary>The verbs of backup-runner.</summary>
public enum BackupVerb
{
    Run,
    List,
    Restore,
    Verify,
}

/// <summary>
/// The worker's own command line: <c>run</c> (default), <c>list [--json]</c>,
/// <c>restore --snapshot S [--source N] [--path P] --target DIR [--force]</c>, <c>verify [--snapshot S] [--sample N]</c>.
/// </summary>
public sealed record BackupCommand(BackupVerb Verb, bool Json, string? Snapshot, string? Source, string? Path, string? Target, bool Force, int Sample)
{
    public const string Usage =
        "backup-runner [run] | list [--json] | restore --snapshot <name|latest> [--source <name>] [--path <sub/path>] --target <dir> [--force] | verify [--snapshot <name>] [--sample <n>]";

    public static BackupCommand Parse(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var verb = BackupVerb.Run;
        bool json = false, force = false, verbSeen = false;
        string? snapshot = null, source = null, path = null, target = null;
        var sample = 0;
        for (var i = 0; i < arguments.Count; i++)
        {
            var (name, inline) = WorkerCommandLine.SplitOption(arguments[i]);
            switch (name)
            {
                case "run" or "list" or "restore" or "verify" when !verbSeen && i == 0:
                    verb = Enum.Parse<BackupVerb>(name, ignoreCase: true);
                    verbSeen = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--force":
                    force = true;
                    break;
                case "--snapshot":
                    snapshot = inline ?? WorkerCommandLine.OptionValue(arguments, ref i, name);
                    break;
                case "--source":
                    source = inline ?? WorkerCommandLine.OptionValue(arguments, ref i, name);
                    break;
                case "--path":
                    path = inline ?? WorkerCommandLine.OptionValue(arguments, ref i, name);
                    break;
                case "--target":
                    target = inline ?? WorkerCommandLine.OptionValue(arguments, ref i, name);
                    break;
                case "--sample":
                    var text = inline ?? WorkerCommandLine.OptionValue(arguments, ref i, name);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out sample) || sample < 1)
                    {
                        throw new WorkerConfigurationException($"--sample: '{text}' is not a positive number");
                    }

                    break;
                default:
                    throw new WorkerConfigurationException($"{arguments[i]}: unknown argument (usage: {Usage})");
            }
        }

        var command = new BackupCommand(verb, json, snapshot, source, path, target, force, sample);
        command.Check();
        return command;
    }

    private void Check()
    {
        void OnlyWith(bool given, string option, params BackupVerb[] verbs)
        {
            if (given && !verbs.Contains(Verb))
            {
                throw new WorkerConfigurationException($"{option}: not an option of {Verb.ToString().ToLowerInvariant()} (usage: {Usage})");
            }
        }

        OnlyWith(Json, "--json", BackupVerb.List);
        OnlyWith(Snapshot is not null, "--snapshot", BackupVerb.Restore, BackupVerb.Verify);
        OnlyWith(Source is not null, "--source", BackupVerb.Restore);
        OnlyWith(Path is not null, "--path", BackupVerb.Restore);
        OnlyWith(Target is not null, "--target", BackupVerb.Restore);
        OnlyWith(Force, "--force", BackupVerb.Restore);
        OnlyWith(Sample > 0, "--sample", BackupVerb.Verify);
        if (Verb != BackupVerb.Restore)
        {
            return;
        }

        if (Snapshot is null || Target is null)
        {
            throw new WorkerConfigurationException($"restore: --snapshot and --target are required (usage: {Usage})");
        }

        if (!System.IO.Path.IsPathFullyQualified(Target))
        {
            throw new WorkerConfigurationException($"--target: must be an absolute path, not '{Target}'");
        }

        if (Path is not null && (Path.Length == 0 || Path.StartsWith('/') || Path.Split('/').Any(p => p == "..")))
        {
            throw new WorkerConfigurationException($"--path: must be a path inside the source, without '..', not '{Path}'");
        }
    }
}
