using System.Globalization;
using System.Text.Json;
using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>
/// retention@'s real Maildir, written to directly: each message file holds exactly the bytes given (no IMAP APPEND
/// in between to normalise them), its mtime is the received time (set before Dovecot first sees it: Dovecot keeps
/// the time it read then), and it belongs to vmail as Dovecot's deliveries do. Dovecot's GUID of a Maildir message
/// is the file's base name, which maps its UIDs back to the names the tests gave.
/// </summary>
internal static class RetentionMaildir
{
    public const string Vmail = "vmail";

    public static string Root(MailStack stack) => stack.MaildirOf(stack.RetentionUser);

    public static string Cur(MailStack stack) => Path.Combine(Root(stack), "cur");

    public static string FileName(string name) => $"1700000000.{name}.test:2,";

    public static async Task<string> WriteAsync(string directory, string name, byte[] raw, DateTimeOffset received)
    {
        var path = Path.Combine(directory, FileName(name));
        await File.WriteAllBytesAsync(path, raw);
        File.SetLastWriteTimeUtc(path, received.UtcDateTime);
        return path;
    }

    /// <summary>The test's name of a message from a backend's id: a Maildir path (<c>cur/1700000000.NAME.test:2,</c>) or a UID.</summary>
    public static Func<string, string> Namer(IReadOnlyDictionary<string, string> guidsByUid) => id =>
    {
        var file = id.Contains('/', StringComparison.Ordinal) ? id[(id.IndexOf('/', StringComparison.Ordinal) + 1)..].Split(':')[0] : guidsByUid[id];
        return file.StartsWith("1700000000.", StringComparison.Ordinal) && file.EndsWith(".test", StringComparison.Ordinal) ? file[11..^5] : file;
    };

    /// <summary>UID → GUID (the file's base name) of every message in the folder, from doveadm (it reads no message for that).</summary>
    public static async Task<Dictionary<string, string>> GuidsByUidAsync(MailStack stack, string mailbox = "INBOX")
    {
        var output = await RunAsync("doveadm", "-c", stack.DovecotConfig, "-f", "json", "fetch", "-u", stack.RetentionUser, "uid guid", "mailbox", mailbox, "all");
        return JsonSerializer.Deserialize<List<Dictionary<string, string>>>(output)!.ToDictionary(r => r["uid"], r => r["guid"]);
    }

    public static Task ChownAsync(string path) => RunAsync("chown", "-R", "-h", $"{Vmail}:{Vmail}", path);

    /// <summary>Runs a tool (<see cref="ExternalProgram"/>) and returns its output; fails with its own error.</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var run = await ExternalProgram.RunAsync(program, arguments);
        return run.ExitCode == 0 ? run.Output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: exit {run.ExitCode}: {run.Error}");
    }

    /// <summary>Each message's decision as a run logged it: "delete automated", "delete human" or "error"; absent means kept.</summary>
    public static Dictionary<string, string> Decisions(WorkerRun run, Func<string, string> nameOf)
    {
        var decisions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in run.Lines)
        {
            var deleted = System.Text.RegularExpressions.Regex.Match(line, @"(?:Would delete|Deleted) (\S+) \((automated|not automated)");
            var kept = System.Text.RegularExpressions.Regex.Match(line, @" Kept (\S+): ");
            if (deleted.Success)
            {
                decisions.Add(nameOf(deleted.Groups[1].Value), deleted.Groups[2].Value == "automated" ? "delete automated" : "delete human");
            }
            else if (kept.Success)
            {
                decisions.Add(nameOf(kept.Groups[1].Value), "error");
            }
        }

        return decisions;
    }

    public static string Age(double days) => days.ToString(CultureInfo.InvariantCulture);
}
