using Cronos;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// The options every worker understands. Anything else (a worker's own verbs and flags) is kept in
/// <see cref="Arguments"/> for the job.
/// </summary>
public sealed class WorkerCommandLine
{
    /// <summary>The options as <c>--help</c> prints them.</summary>
    public const string Usage = """
          --schedule "<cron>"   stay running and run the job on this schedule (5 fields, or 6 with seconds)
          --time-zone <id>      time zone of --schedule (IANA id, default UTC)
          --config <file>       also read configuration from this JSON file (environment variables win)
          --check               check the configuration and that every server answers and takes the login, changing
                                nothing: no mail sent, nothing deleted or written, nothing reported (exit 0 or 1)
          --help                print this help
          --version             print the version
        """;

    /// <summary><c>--help</c> was given.</summary>
    public bool Help { get; private init; }

    /// <summary><c>--version</c> was given.</summary>
    public bool Version { get; private init; }

    /// <summary><c>--check</c> was given: <see cref="WorkerCheckRunner"/> instead of the job.</summary>
    public bool Check { get; private init; }

    /// <summary>The parsed <c>--schedule</c>, or null to run once.</summary>
    public CronExpression? Schedule { get; private init; }

    /// <summary>The time zone of <see cref="Schedule"/>.</summary>
    public TimeZoneInfo TimeZone { get; private init; } = TimeZoneInfo.Utc;

    /// <summary>The JSON configuration file, or null.</summary>
    public string? ConfigFile { get; private init; }

    /// <summary>What the host did not consume, in order.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="WorkerConfigurationException"/> naming the bad option.</summary>
    public static WorkerCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool help = false, version = false, check = false;
        string? schedule = null, timeZone = null, configFile = null;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = SplitOption(args[i]);
            switch (name)
            {
                case "--help" or "-h":
                    help = true;
                    break;
                case "--version":
                    version = true;
                    break;
                case "--check":
                    check = true;
                    break;
                case "--schedule":
                    schedule = inlineValue ?? OptionValue(args, ref i, name);
                    break;
                case "--time-zone":
                    timeZone = inlineValue ?? OptionValue(args, ref i, name);
                    break;
                case "--config":
                    configFile = inlineValue ?? OptionValue(args, ref i, name);
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        if (check && schedule is not null)
        {
            throw new WorkerConfigurationException("--check: not with --schedule (a check runs once)");
        }

        if (timeZone is not null && schedule is null)
        {
            throw new WorkerConfigurationException("--time-zone: only meaningful with --schedule");
        }

        return new WorkerCommandLine
        {
            Help = help,
            Version = version,
            Check = check,
            Schedule = schedule is null ? null : ParseSchedule(schedule),
            TimeZone = timeZone is null ? TimeZoneInfo.Utc : ParseTimeZone(timeZone),
            ConfigFile = configFile,
            Arguments = rest,
        };
    }

    /// <summary>Splits <c>--name=value</c> into its name and value; any other argument is returned whole, with no value.</summary>
    public static (string Name, string? Value) SplitOption(string arg)
    {
        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    /// <summary>The argument after <paramref name="i"/> as the value of option <paramref name="name"/>; throws naming the option when there is none.</summary>
    public static string OptionValue(IReadOnlyList<string> args, ref int i, string name) =>
        ++i < args.Count ? args[i] : throw new WorkerConfigurationException($"{name}: a value is required");

    private static CronExpression ParseSchedule(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new WorkerConfigurationException($"--schedule: '{expression}' is not a cron expression: {e.Message}", e);
        }
    }

    private static TimeZoneInfo ParseTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new WorkerConfigurationException($"--time-zone: '{id}' is not a known time zone", e);
        }
    }
}
