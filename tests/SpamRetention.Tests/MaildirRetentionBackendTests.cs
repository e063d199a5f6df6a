using System.Diagnostics;
using System.Text;
using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>The maildir backend on retention@'s real Maildir, with the awkward files the tests make, then Dovecot's force-resync.</summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed class MaildirRetentionBackendTests
{
    private readonly MailStack stack = MailStack.Instance;

    [Fact]
    public async Task Maildir_DeletesOnlyParsableOldMail_KeepsTheRest_AndNeverLeavesTheMaildir()
    {
        await RetentionMailbox.ResetAsync(stack);
        var maildir = stack.MaildirOf(stack.RetentionUser);
        var cur = Path.Combine(maildir, "cur");
        var outside = Path.Combine(Path.GetTempPath(), $"retention-outside-{Guid.NewGuid():N}.eml");
        await File.WriteAllTextAsync(outside, "From: x@y.z\nSubject: outside\n\nbody\n");
        File.SetLastWriteTimeUtc(outside, DateTime.UtcNow.AddDays(-200));
        var files = new Dictionary<string, (byte[] Raw, double AgeDays)>
        {
            ["human-old"] = (Ascii("From: p@example.net\nSubject: hi\n\nold personal mail\n"), 200),
            ["folded-precedence"] = (Ascii("From: n@list.example\nPrecedence:\n bulk\nSubject: news\n\nbody\n"), 20),
            ["auto-submitted-no"] = (Ascii("From: p@example.net\nAuto-Submitted: no\n\nbody\n"), 20),
            ["marker-in-body"] = (Ascii("From: p@example.net\nSubject: fwd\n\nList-Unsubscribe: <mailto:x@y>\nPrecedence: bulk\n"), 20),
            ["x-precedence"] = (Ascii("From: p@example.net\nX-Precedence: bulk\n\nbody\n"), 20),
            ["header-over-64k"] = (Ascii("From: p@example.net\nX-Big: " + new string('b', 70_000) + "\n\nbody\n"), 200),
            ["binary"] = ([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0a, 0x00], 200),
            ["empty"] = ([], 200),
            ["latin1-bulk"] = (Encoding.Latin1.GetBytes("From: J\u00f6rg <j@list.example>\nPrecedence: list\nSubject: caf\u00e9\n\nbody\n"), 20),
            ["no-body"] = (Ascii("From: p@example.net\nSubject: header only"), 200),
        };
        foreach (var (name, (raw, age)) in files)
        {
            await WriteMessageAsync(cur, name, raw, age);
        }

        var link = Path.Combine(cur, "1700000000.symlink.test:2,");
        File.CreateSymbolicLink(link, outside);
        await WriteMessageAsync(Path.Combine(maildir, "tmp"), "in-delivery", Ascii("From: p@example.net\n\nstill being written\n"), 200);
        Chown(maildir);
        var environment = RetentionEnvironment.For(stack, "maildir");
        environment["Retention__MaxDeletePercent"] = "100";

        var run = await RetentionEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] deleted = ["human-old", "folded-precedence", "latin1-bulk", "no-body"];
        foreach (var name in files.Keys)
        {
            Assert.True(File.Exists(Path.Combine(cur, Filename(name))) != deleted.Contains(name), $"{name}: {run}");
        }

        Assert.True(File.Exists(outside), "the symlink's target outside the Maildir is untouched");
        Assert.True(File.Exists(link));
        Assert.True(File.Exists(Path.Combine(maildir, "tmp", Filename("in-delivery"))));
        Assert.Equal(4, RetentionEnvironment.Metric(run, "spam_retention_errors_total"));
        Assert.Contains("symbolic link (not followed)", run.Output);
        Assert.Contains("no end of header within 64 KiB", run.Output);
        Assert.Contains("empty file", run.Output);
        Assert.Equal(2, RetentionEnvironment.Metric(run, "spam_retention_auto_deleted_total"));
        Assert.Equal(2, RetentionEnvironment.Metric(run, "spam_retention_human_deleted_total"));
        File.Delete(link);
        File.Delete(outside);
        foreach (var name in files.Keys)
        {
            File.Delete(Path.Combine(cur, Filename(name)));
        }

        File.Delete(Path.Combine(maildir, "tmp", Filename("in-delivery")));
        await RetentionMailbox.ResetAsync(stack);
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string Filename(string name) => $"1700000000.{name}.test:2,";

    private static async Task WriteMessageAsync(string directory, string name, byte[] raw, double ageDays)
    {
        var path = Path.Combine(directory, Filename(name));
        await File.WriteAllBytesAsync(path, raw);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-ageDays));
    }

    // Dovecot (as vmail) must be able to resync the folder after the worker (as root here) deleted from it.
    private static void Chown(string maildir)
    {
        using var chown = Process.Start("chown", ["-R", "-h", "vmail:vmail", maildir])!;
        chown.WaitForExit();
    }
}
