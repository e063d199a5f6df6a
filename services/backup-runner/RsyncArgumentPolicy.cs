namespace MailserverWorkers.BackupRunner;

/// <summary>
/// What <c>Backup__RsyncArguments</c> may add: options that choose what is copied or how fast, never one that would
/// make a snapshot incomplete while it looks complete, touch the sources, or take over what the runner decides (what
/// is deleted, what is linked against). Anything not on the list is refused at start (exit 2), the option named.
/// </summary>
internal static class RsyncArgumentPolicy
{
    // Options taking a value, as --name=value or --name value.
    private static readonly string[] WithValue = ["--exclude", "--exclude-from", "--include", "--include-from", "--filter", "--bwlimit", "--max-alloc"];

    private static readonly string[] Flags = ["--inc-recursive", "--one-file-system", "-x", "--checksum", "-c", "--open-noatime"];

    /// <summary>The documented list, for messages and --help.</summary>
    public static string Allowed => string.Join(", ", WithValue.Select(o => o + "=...").Concat(Flags));

    /// <summary>Null when every argument is allowed, else why the first one is not.</summary>
    public static string? Check(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var name = argument.StartsWith("--", StringComparison.Ordinal) ? argument.Split('=', 2)[0] : argument;
            if (Flags.Contains(argument, StringComparer.Ordinal))
            {
                continue;
            }

            if (WithValue.Contains(name, StringComparer.Ordinal))
            {
                // --exclude PATTERN: the next argument is the value, whatever it looks like.
                i += argument.Contains('=', StringComparison.Ordinal) ? 0 : 1;
                if (i >= arguments.Count)
                {
                    return $"{name} needs a value";
                }

                continue;
            }

            return $"{name} is not allowed{Why(name)}; allowed: {Allowed}";
        }

        return null;
    }

    private static string Why(string name) => name switch
    {
        "--dry-run" or "-n" or "--list-only" => " (it copies nothing, and the empty snapshot would look complete)",
        "--remove-source-files" => " (it would empty the live mail volumes; sources are only ever read)",
        _ when name.StartsWith("--delete", StringComparison.Ordinal) || name is "--del" => " (the runner decides what is deleted: --delete in the new snapshot only)",
        "--link-dest" or "--compare-dest" or "--copy-dest" => " (the runner links against its newest complete snapshot)",
        "--only-write-batch" or "--write-batch" or "--read-batch" => " (a batch run does not copy what the snapshot says it holds)",
        "--max-size" or "--min-size" or "--existing" or "--ignore-existing" or "--update" or "-u" => " (it leaves files out of a snapshot that looks complete)",
        "--chmod" or "--chown" or "--usermap" or "--groupmap" or "--fake-super" or "--no-perms" or "--no-owner" => " (a restore would not give back the mail's owners and modes)",
        _ => "",
    };
}
