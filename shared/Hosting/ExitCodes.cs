namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// The exit codes every worker shares. A worker adds its own above 2 and below 100 and documents them in README.md;
/// anything the host does not recognise is a failure (1), as restic documents for its own codes.
/// </summary>
public static class ExitCodes
{
    /// <summary>The job did what it was for.</summary>
    public const int Success = 0;

    /// <summary>The job ran and failed, or an unexpected error stopped it.</summary>
    public const int Failure = 1;

    /// <summary>The configuration is invalid: a key is missing, malformed or unknown. Retrying will not help.</summary>
    public const int ConfigurationInvalid = 2;

    /// <summary>SIGTERM or Ctrl-C stopped the job before it finished (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
