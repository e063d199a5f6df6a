using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.SpamRetention;

/// <summary>The worker's own command line: <c>run</c> (default) or <c>profile [--json]</c>, <c>--dry-run</c>, <c>--force</c>.</summary>
public sealed record RetentionCommand(bool Profile, bool Json, bool DryRun, bool Force)
{
    public static RetentionCommand Parse(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        bool profile = false, json = false, dryRun = false, force = false, verbSeen = false;
        foreach (var argument in arguments)
        {
            switch (argument)
            {
                case "run" or "profile" when !verbSeen:
                    profile = argument == "profile";
                    verbSeen = true;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--force":
                    force = true;
                    break;
                default:
                    throw new WorkerConfigurationException($"{argument}: unknown argument (usage: spam-retention [run|profile] [--dry-run] [--force] [--json])");
            }
        }

        if (json && !profile)
        {
            throw new WorkerConfigurationException("--json: only with profile");
        }

        return new RetentionCommand(profile, json, dryRun, force);
    }
}
