using System.Net.Sockets;
using System.Text;
using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>The maildir backend on retention@'s real Maildir, with what an unlucky restore or an attacker leaves there.</summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed class MaildirRetentionBackendTests
{
    private readonly MailStack stack = MailStack.Instance;

    private Dictionary<string, string> Environment()
    {
        var environment = RetentionEnvironment.For(stack, "maildir");
        environment["Retention__MaxDeletePercent"] = "100";
        return environment;
    }

    private static byte[] Old(string subject) => Encoding.ASCII.GetBytes($"From: p@example.net\nSubject: {subject}\n\nold personal mail\n");

    /// <summary>A folder outside the Maildir holding a 100-day-old message: the bait for a followed link.</summary>
    private static async Task<string> BaitAsync()
    {
        var outside = Directory.CreateTempSubdirectory("retention-outside-").FullName;
        foreach (var sub in (string[])["cur", "new", "tmp"])
        {
            Directory.CreateDirectory(Path.Combine(outside, sub));
        }

        await RetentionMaildir.WriteAsync(Path.Combine(outside, "cur"), "bait", Old("outside"), DateTimeOffset.UtcNow.AddDays(-100));
        return outside;
    }

    [Theory]
    [InlineData("cur")]
    [InlineData("new")]
    [InlineData("the Maildir root")]
    [InlineData("a folder above the root")]
    [InlineData("the .Junk folder")]
    public async Task ALinkAtAnyComponent_IsRefusedAndNamed_AndNothingIsDeletedAnywhere(string where)
    {
        await RetentionMailbox.ResetAsync(stack);
        var root = RetentionMaildir.Root(stack);
        var outside = await BaitAsync();
        var bait = Path.Combine(outside, "cur", RetentionMaildir.FileName("bait"));
        var own = await RetentionMaildir.WriteAsync(RetentionMaildir.Cur(stack), "own-old", Old("own"), DateTimeOffset.UtcNow.AddDays(-100));
        var environment = Environment();
        var links = Directory.CreateTempSubdirectory("retention-links-").FullName;
        string? movedAside = null;
        string link;
        switch (where)
        {
            case "cur" or "new":
                link = Path.Combine(root, where);
                movedAside = link + ".aside";
                Directory.Move(link, movedAside);
                File.CreateSymbolicLink(link, Path.Combine(outside, "cur"));
                break;
            case "the Maildir root":
                link = Path.Combine(links, "maildir");
                File.CreateSymbolicLink(link, root);
                environment["Retention__Maildir"] = link;
                break;
            case "a folder above the root":
                link = Path.Combine(links, "retention");
                File.CreateSymbolicLink(link, Path.GetDirectoryName(root)!);
                environment["Retention__Maildir"] = Path.Combine(link, Path.GetFileName(root));
                break;
            default:
                link = Path.Combine(root, ".LinkedAway");
                File.CreateSymbolicLink(link, outside);
                environment["Retention__Mailbox"] = "LinkedAway";
                break;
        }

        try
        {
            var run = await RetentionEnvironment.RunAsync(environment);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"{link} is a symbolic link: not followed (name the real path)", run.Output);
            Assert.True(File.Exists(bait), "the message the link pointed at is untouched");
            Assert.True(File.Exists(own) || where is "cur", "nothing in the Maildir either");
            Assert.DoesNotContain("last_success", run.Output);
        }
        finally
        {
            File.Delete(link);
            if (movedAside is not null)
            {
                Directory.Move(movedAside, link);
            }

            Directory.Delete(outside, recursive: true);
            Directory.Delete(links, recursive: true);
            File.Delete(own);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NonRegularEntries_AreNamedAndKept_NeverOpened_AndTheRestIsDeleted(bool dryRun)
    {
        await RetentionMailbox.ResetAsync(stack);
        var cur = RetentionMaildir.Cur(stack);
        var outside = await BaitAsync();
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        var own = await RetentionMaildir.WriteAsync(cur, "own-old", Old("own"), old);
        string Special(string name) => Path.Combine(cur, RetentionMaildir.FileName(name));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // A FIFO nobody writes to: opening it for reading would block the run for ever, SIGTERM or not.
            await RetentionMaildir.RunAsync("mkfifo", Special("fifo"));
            socket.Bind(new UnixDomainSocketEndPoint(Special("socket")));
            await RetentionMaildir.RunAsync("mknod", Special("device"), "c", "1", "3");
            Directory.CreateDirectory(Special("directory"));
            File.CreateSymbolicLink(Special("link"), Path.Combine(outside, "cur", RetentionMaildir.FileName("bait")));
            foreach (var name in (string[])["fifo", "socket", "device", "directory", "link"])
            {
                await RetentionMaildir.RunAsync("touch", "-h", "-d", "100 days ago", Special(name));
            }

            await RetentionMaildir.ChownAsync(RetentionMaildir.Root(stack));

            var run = await WorkerProcess.RunAsync("spam-retention", Environment(), dryRun ? ["--dry-run"] : [], TimeSpan.FromSeconds(60));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"Kept cur/{RetentionMaildir.FileName("fifo")}: not a regular file (fifo; not read)", run.Output);
            Assert.Contains($"Kept cur/{RetentionMaildir.FileName("socket")}: not a regular file (socket; not read)", run.Output);
            Assert.Contains($"Kept cur/{RetentionMaildir.FileName("device")}: not a regular file (characterdevice; not read)", run.Output);
            Assert.Contains($"Kept cur/{RetentionMaildir.FileName("directory")}: not a regular file (directory; not read)", run.Output);
            Assert.Contains($"Kept cur/{RetentionMaildir.FileName("link")}: symbolic link (not followed)", run.Output);
            Assert.Equal(5, RetentionEnvironment.Metric(run, "spam_retention_errors"));
            Assert.Equal(1, RetentionEnvironment.Metric(run, "spam_retention_human_deleted_messages"));
            Assert.Equal(dryRun, File.Exists(own));
            Assert.True(File.Exists(Path.Combine(outside, "cur", RetentionMaildir.FileName("bait"))));
            Assert.All(["fifo", "socket", "device", "directory", "link"], name => Assert.True(Path.Exists(Special(name)) || File.ResolveLinkTarget(Special(name), false) is not null, name));
        }
        finally
        {
            foreach (var name in (string[])["fifo", "socket", "device", "link"])
            {
                File.Delete(Special(name));
            }

            Directory.Delete(Special("directory"));
            File.Delete(own);
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task AFolderWithoutCurAndNew_IsAnError_NotAnEmptyMailbox()
    {
        // An empty volume, as a failed mount leaves it: a lost+found and nothing else.
        var empty = Directory.CreateTempSubdirectory("retention-empty-").FullName;
        Directory.CreateDirectory(Path.Combine(empty, "lost+found"));
        var environment = Environment();
        environment["Retention__Maildir"] = empty;
        try
        {
            var run = await RetentionEnvironment.RunAsync(environment);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"{empty} has no cur/: not a Maildir folder (is the volume mounted, is Retention__Maildir right?)", run.Output);
            Assert.DoesNotContain("last_success", run.Output);
            Assert.DoesNotContain("   at ", run.Output);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task AFileNameThatIsNotUtf8_OrHoldsControlCharacters_IsNamedEscaped_AndKept()
    {
        await RetentionMailbox.ResetAsync(stack);
        var cur = RetentionMaildir.Cur(stack);
        var own = await RetentionMaildir.WriteAsync(cur, "own-old", Old("own"), DateTimeOffset.UtcNow.AddDays(-100));
        // .NET cannot name such a file itself; the shell's printf can.
        foreach (var octal in (string[])["\\377", "\\033[31m"])
        {
            await RetentionMaildir.RunAsync("sh", "-c", $"printf 'From: p@example.net\\n\\nold\\n' > \"$(printf '{cur}/1700000000.bad{octal}name.test:2,')\" && touch -d '100 days ago' {cur}/1700000000.bad*");
        }
        try
        {
            var run = await RetentionEnvironment.RunAsync(Environment());

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains(@"Kept cur/1700000000.bad\xffname.test:2,: file name is not plain UTF-8 text (not read)", run.Output);
            Assert.Contains(@"Kept cur/1700000000.bad\x1b[31mname.test:2,: file name is not plain UTF-8 text (not read)", run.Output);
            Assert.False(File.Exists(own));
            Assert.Equal(2, Directory.EnumerateFiles(cur, "1700000000.bad*").Count());
        }
        finally
        {
            await RetentionMaildir.RunAsync("sh", "-c", $"rm -f {cur}/1700000000.bad*");
        }
    }
}
