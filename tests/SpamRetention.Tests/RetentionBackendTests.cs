using System.Text;
using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Mail;
using MailserverWorkers.Shared.Tls;
using MailserverWorkers.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>What every backend must do on the real Dovecot: stay in its one folder, get past a bad message, and never trust UIDs of another folder generation.</summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed class RetentionBackendTests
{
    private readonly MailStack stack = MailStack.Instance;

    private static byte[] Personal(string subject) => Encoding.ASCII.GetBytes($"From: p@example.net\nSubject: {subject}\n\npersonal mail\n");

    private async Task<string> JunkCurAsync()
    {
        try
        {
            await RetentionMaildir.RunAsync("doveadm", "-c", stack.DovecotConfig, "mailbox", "create", "-u", stack.RetentionUser, "Junk");
        }
        catch (InvalidOperationException e) when (e.Message.Contains("already exists", StringComparison.Ordinal))
        {
        }

        return Path.Combine(RetentionMaildir.Root(stack), ".Junk", "cur");
    }

    private async Task<long> StatusAsync(string field, string mailbox) =>
        long.Parse((await RetentionMaildir.RunAsync("doveadm", "-c", stack.DovecotConfig, "mailbox", "status", "-u", stack.RetentionUser, field, mailbox)).Trim().Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);

    private Task DoveadmAsync(params string[] arguments) => RetentionMaildir.RunAsync("doveadm", ["-c", stack.DovecotConfig, .. arguments]);

    [Theory]
    [InlineData("dovecot")]
    [InlineData("imap")]
    [InlineData("maildir")]
    public async Task ARunOnJunk_DeletesOnlyInJunk_ThoughINBOXHoldsTheSameUidsAndOlderMail(string backend)
    {
        await RetentionMailbox.ResetAsync(stack);
        var junk = await JunkCurAsync();
        // The next mail of each folder gets the same UIDs: a deletion that strayed into INBOX would find them there.
        var next = Math.Max(await StatusAsync("uidnext", "INBOX"), await StatusAsync("uidnext", "Junk"));
        foreach (var box in (string[])["INBOX", "Junk"])
        {
            await DoveadmAsync("mailbox", "update", "-u", stack.RetentionUser, "--min-next-uid", next.ToString(System.Globalization.CultureInfo.InvariantCulture), box);
        }

        var old = DateTimeOffset.UtcNow.AddDays(-200);
        var written = new List<string>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                written.Add(await RetentionMaildir.WriteAsync(RetentionMaildir.Cur(stack), $"inbox{i}", Personal($"inbox {i}"), old));
                written.Add(await RetentionMaildir.WriteAsync(junk, $"junk{i}", Personal($"junk {i}"), old));
            }

            await RetentionMaildir.ChownAsync(RetentionMaildir.Root(stack));
            var inboxUids = (await RetentionMaildir.GuidsByUidAsync(stack, "INBOX")).Keys.ToHashSet();
            Assert.Equal(inboxUids, (await RetentionMaildir.GuidsByUidAsync(stack, "Junk")).Keys.ToHashSet());
            var environment = RetentionEnvironment.For(stack, backend);
            environment["Retention__Mailbox"] = "Junk";
            environment["Retention__MaxDeletePercent"] = "100";

            var run = await RetentionEnvironment.RunAsync(environment);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(4, RetentionEnvironment.Metric(run, "spam_retention_human_deleted_messages"));
            Assert.Empty(Directory.EnumerateFiles(junk, "1700000000.junk*"));
            Assert.Equal(4, Directory.EnumerateFiles(RetentionMaildir.Cur(stack), "1700000000.inbox*").Count());
            Assert.Equal(inboxUids, (await RetentionMaildir.GuidsByUidAsync(stack, "INBOX")).Keys.ToHashSet());
        }
        finally
        {
            written.ForEach(File.Delete);
            await RetentionMailbox.ResetAsync(stack);
        }
    }

    [Theory]
    [InlineData("dovecot")]
    [InlineData("imap")]
    [InlineData("maildir")]
    public async Task AnUnreadableMessage_IsKeptNamedAndCounted_AndEveryOtherIsDecidedAsUsual(string backend)
    {
        await RetentionMailbox.ResetAsync(stack);
        var cur = RetentionMaildir.Cur(stack);
        var old = DateTimeOffset.UtcNow.AddDays(-100);
        var written = new List<string>();
        try
        {
            // Twenty around the bad one, so rows after it exist to be shifted (doveadm 2.3.19) or cut off (IMAP).
            for (var i = 0; i < 20; i++)
            {
                written.Add(await RetentionMaildir.WriteAsync(cur, $"m{i:D2}", Personal($"old {i}"), old.AddMinutes(i)));
            }

            written.Add(await RetentionMaildir.WriteAsync(cur, "young", Personal("young"), DateTimeOffset.UtcNow.AddDays(-1)));
            await RetentionMaildir.ChownAsync(RetentionMaildir.Root(stack));
            var bad = written[7];
            await RetentionMaildir.RunAsync("chown", "root:root", bad);
            File.SetUnixFileMode(bad, UnixFileMode.None);
            var environment = RetentionEnvironment.For(stack, backend);
            environment["Retention__MaxDeletePercent"] = "100";

            // As vmail, the maildir backend can no more read the file than Dovecot can (root could).
            var run = await WorkerProcess.RunAsync("spam-retention", environment, launcher: backend == "maildir" ? WorkerProcess.As(RetentionMaildir.Vmail) : null);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(1, RetentionEnvironment.Metric(run, "spam_retention_errors"));
            Assert.Equal(19, RetentionEnvironment.Metric(run, "spam_retention_human_deleted_messages"));
            Assert.Equal(2, RetentionEnvironment.Metric(run, "spam_retention_kept_messages"));
            Assert.Equal([bad, written[^1]], written.Where(File.Exists));
            var kept = Assert.Single(run.Lines, l => l.Contains(" Kept ", StringComparison.Ordinal));
            var badUid = (await RetentionMaildir.GuidsByUidAsync(stack)).Single(p => p.Value == "1700000000.m07.test").Key;
            Assert.Contains(backend switch
            {
                "maildir" => $"Kept cur/{Path.GetFileName(bad)}: unreadable: Permission denied",
                // doveadm's own error names the file; Dovecot's IMAP answer only says it failed ("refer to server log").
                // doveadm 2.4.1 then panics in its JSON writer (SIGABRT, the array left open), 2.3.19 exits 75.
                "dovecot" => $"Kept {badUid}: exit code {(stack.DovecotVersion >= new Version(2, 4) ? 134 : 75)}: Error: Mailbox INBOX: open({bad}) failed: Permission denied",
                _ => $"Kept {badUid}: IMAP UID FETCH {badUid}:{badUid} (INTERNALDATE RFC822.SIZE): protocol error: FETCH failed: Internal error occurred.",
            }, kept);
            Assert.Contains("last_success", run.Output);
        }
        finally
        {
            written.ForEach(File.Delete);
            await RetentionMailbox.ResetAsync(stack);
        }
    }

    [Theory]
    [InlineData("dovecot")]
    [InlineData("imap")]
    [InlineData("maildir")]
    public async Task AFolderRebuiltBetweenScanAndDelete_LosesNothing(string backend)
    {
        await RetentionMailbox.ResetAsync(stack);
        var cur = RetentionMaildir.Cur(stack);
        var written = new List<string>();
        var root = RetentionMaildir.Root(stack);
        var aside = root + ".before-rebuild";
        try
        {
            for (var i = 0; i < 5; i++)
            {
                written.Add(await RetentionMaildir.WriteAsync(cur, $"m{i}", Personal($"old {i}"), DateTimeOffset.UtcNow.AddDays(-100)));
            }

            await RetentionMaildir.ChownAsync(root);
            var retention = Options.Create(new RetentionOptions { Backend = Enum.Parse<RetentionBackendKind>(backend, ignoreCase: true), User = stack.RetentionUser, Maildir = root });
            var doveadm = new Doveadm(new LocalCommandRunner(), Options.Create(new DovecotOptions { ConfigFile = stack.DovecotConfig }));
            IRetentionBackend subject = backend switch
            {
                "dovecot" => new DovecotRetentionBackend(doveadm, retention),
                "imap" => new ImapRetentionBackend(
                    Options.Create(new ImapOptions { Host = "127.0.0.1", Port = stack.ImapsPort, Username = stack.RetentionUser, Password = stack.RetentionPassword }),
                    Options.Create(new TlsOptions { CaFile = stack.CaFile }),
                    retention),
                _ => new MaildirRetentionBackend(doveadm, retention, NullLogger<MaildirRetentionBackend>.Instance),
            };
            var messages = new List<MailboxMessage>();
            var scan = await subject.ScanAsync(["From"], m => { lock (messages) { messages.Add(m); } }, CancellationToken.None);
            Assert.Equal(5, messages.Count);

            // Rebuilt: Dovecot gives the folder a new UIDVALIDITY (its UIDs may now name other mail); the Maildir is another directory.
            if (backend == "maildir")
            {
                Directory.Move(root, aside);
                await RetentionMaildir.RunAsync("cp", "-a", aside, root);
            }
            else
            {
                var validity = await StatusAsync("uidvalidity", "INBOX") + 1;
                await DoveadmAsync("mailbox", "update", "-u", stack.RetentionUser, "--uid-validity", validity.ToString(System.Globalization.CultureInfo.InvariantCulture), "INBOX");
            }

            var result = await subject.DeleteAsync(scan, messages, DateTimeOffset.UtcNow, CancellationToken.None);

            Assert.Empty(result.Gone);
            Assert.Contains(backend == "maildir" ? "is another directory than the one read" : "changed since it was read", result.Error);
            Assert.Equal(5, Directory.EnumerateFiles(cur, "1700000000.m*").Count());
        }
        finally
        {
            if (Directory.Exists(aside))
            {
                Directory.Delete(root, recursive: true);
                Directory.Move(aside, root);
            }

            written.ForEach(File.Delete);
            await RetentionMailbox.ResetAsync(stack);
        }
    }

    [Theory]
    [InlineData("dovecot")]
    [InlineData("imap")]
    [InlineData("maildir")]
    public async Task INBOX_MayBeNamedInAnyCase_AsIMAPAllows(string backend)
    {
        await RetentionMailbox.ResetAsync(stack);
        var written = await RetentionMaildir.WriteAsync(RetentionMaildir.Cur(stack), "inbox-case", Personal("old"), DateTimeOffset.UtcNow.AddDays(-100));
        await RetentionMaildir.ChownAsync(RetentionMaildir.Root(stack));
        var environment = RetentionEnvironment.For(stack, backend);
        environment["Retention__Mailbox"] = "inbox";
        environment["Retention__MaxDeletePercent"] = "100";
        try
        {
            var run = await RetentionEnvironment.RunAsync(environment, "--dry-run");

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(1, RetentionEnvironment.Metric(run, "spam_retention_human_deleted_messages"));
        }
        finally
        {
            File.Delete(written);
            await RetentionMailbox.ResetAsync(stack);
        }
    }

    [Fact]
    public async Task DoveadmFailingBeforeAnyOutput_IsOneLineWithDoveadmsOwnMessage()
    {
        var broken = Path.GetTempFileName();
        await File.WriteAllTextAsync(broken, "this is not a dovecot.conf {\n");
        var environment = RetentionEnvironment.For(stack, "dovecot");
        environment["Dovecot__ConfigFile"] = broken;
        try
        {
            var run = await RetentionEnvironment.RunAsync(environment);

            Assert.True(run.ExitCode == 1, run.ToString());
            var error = Assert.Single(run.Lines, l => l.Contains(" ERROR ", StringComparison.Ordinal));
            Assert.Contains("Could not read the mailbox: doveadm mailbox (local): exit code ", error);
            Assert.Contains($"Fatal: Error in configuration file {broken}", error);
            Assert.DoesNotContain("Exception", run.Output);
            Assert.DoesNotContain("last_success", run.Output);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task ALocalDoveadm_GetsAMinimalEnvironment_NoSecretOfTheWorker()
    {
        var seen = Path.GetTempFileName();
        var wrapper = Path.GetTempFileName();
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nenv >> {seen}\nexec doveadm \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = RetentionEnvironment.For(stack, "dovecot");
        environment["Dovecot__DoveadmPath"] = wrapper;
        environment["Pushgateway__Password"] = "Marker-Secret-77e1";
        environment["Pushgateway__Username"] = "retention";
        try
        {
            var run = await RetentionEnvironment.RunAsync(environment, "--dry-run");

            Assert.True(run.ExitCode == 0, run.ToString());
            var text = await File.ReadAllTextAsync(seen);
            Assert.Contains("PATH=", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Marker-Secret-77e1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("__", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(seen);
            File.Delete(wrapper);
        }
    }
}
