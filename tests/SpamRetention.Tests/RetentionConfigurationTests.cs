using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>Configuration errors exit 2 with one line naming the key, before the mailbox is touched.</summary>
public sealed class RetentionConfigurationTests
{
    [Theory]
    [InlineData("dovecot", "Retention__User", null, "Retention__User: required with Retention__Backend=dovecot")]
    [InlineData("maildir", "Retention__Maildir", null, "Retention__Maildir: required with Retention__Backend=maildir")]
    [InlineData("dovecot", "Retention__AutomatedAfter", "100.00:00:00", "Retention__AutomatedAfter: must not exceed Retention__HumanAfter (100.00:00:00 > 90.00:00:00)")]
    [InlineData("dovecot", "Retention__MaxDeletePercent", "150", "Retention__MaxDeletePercent: The field MaxDeletePercent must be between 0 and 100.")]
    [InlineData("imap", "Imap__Host", null, "Imap__Host: The Host field is required.")]
    [InlineData("dovecot", "Retention__Mailbox", "*", "Retention__Mailbox: pattern character (doveadm takes it as a pattern of mailboxes) in '*': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("imap", "Retention__Mailbox", "Ju%", "Retention__Mailbox: pattern character (doveadm takes it as a pattern of mailboxes) in 'Ju%': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("dovecot", "Retention__Mailbox", "Junk?", "Retention__Mailbox: pattern character (doveadm takes it as a pattern of mailboxes) in 'Junk?': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("maildir", "Retention__Mailbox", ".", "Retention__Mailbox: '.' segment in '.': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("maildir", "Retention__Mailbox", "..", "Retention__Mailbox: '..' segment in '..': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("maildir", "Retention__Mailbox", "/", "Retention__Mailbox: leading or trailing '/' in '/': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("dovecot", "Retention__Mailbox", "/etc", "Retention__Mailbox: leading or trailing '/' in '/etc': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("dovecot", "Retention__Mailbox", "Archive//Spam", "Retention__Mailbox: empty segment in 'Archive//Spam': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("dovecot", "Retention__Mailbox", "Archive/../INBOX", "Retention__Mailbox: '..' segment in 'Archive/../INBOX': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("maildir", "Retention__Mailbox", "Junk.old", "Retention__Mailbox: '.' (the Maildir++ level separator) in 'Junk.old': name exactly one folder, as IMAP names it (INBOX, Junk, Archive/Spam)")]
    [InlineData("dovecot", "Retention__Mailbox", "", "Retention__Mailbox: The Mailbox field is required.")]
    [InlineData("dovecot", "Retention__User", "*@example.test", "Retention__User: pattern character (doveadm takes it as a mask of users) in '*@example.test': name exactly one user")]
    [InlineData("maildir", "Retention__User", "spam?@example.test", "Retention__User: pattern character (doveadm takes it as a mask of users) in 'spam?@example.test': name exactly one user")]
    [InlineData("dovecot", "Retention__User", "spam@example.test all", "Retention__User: white space or control character in 'spam@example.test all': name exactly one user")]
    [InlineData("dovecot", "Retention__PresenceMarkers", "List-Unsubscribe,List Id", "Retention__PresenceMarkers: 'List Id' is not a header field name (RFC 5322: printable ASCII without spaces or ':')")]
    [InlineData("maildir", "Retention__PresenceMarkers", "List-Id:", "Retention__PresenceMarkers: 'List-Id:' is not a header field name (RFC 5322: printable ASCII without spaces or ':')")]
    [InlineData("dovecot", "Retention__PresenceMarkers", "List-Id,,Feedback-ID", "Retention__PresenceMarkers: '' is not a header field name (RFC 5322: printable ASCII without spaces or ':')")]
    [InlineData("dovecot", "Retention__PrecedenceValues", "bulk,first class", "Retention__PrecedenceValues: 'first class' is not a Precedence value (one word of printable ASCII)")]
    [InlineData("dovecot", "Retention__Backend", "pop3", "Retention__Backend: 'pop3' is not one of dovecot, imap, maildir")]
    public async Task InvalidConfiguration_ExitsTwo_NamingTheKey(string backend, string key, string? value, string expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["Retention__Backend"] = backend,
            ["Retention__User"] = "spam@example.test",
            ["Retention__Maildir"] = "/var/mail/example.test/spam",
            ["Imap__Host"] = "127.0.0.1",
            ["Imap__Username"] = "spam@example.test",
            ["Imap__Password"] = "Secret-Imap-Pw",
        };
        if (value is null)
        {
            environment.Remove(key);
        }
        else
        {
            environment[key] = value;
        }

        var run = await WorkerProcess.RunAsync("spam-retention", environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"spam-retention: configuration invalid: {expected}", Assert.Single(run.Lines));
        Assert.DoesNotContain("Secret-Imap-Pw", run.Output);
    }

    [Fact]
    public async Task UnknownArgument_ExitsTwo_NamingIt()
    {
        var run = await WorkerProcess.RunAsync("spam-retention", new Dictionary<string, string> { ["Retention__User"] = "spam@example.test" }, ["--delete-everything"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--delete-everything: unknown argument", Assert.Single(run.Lines));
    }
}
