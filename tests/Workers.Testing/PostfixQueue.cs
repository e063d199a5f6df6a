using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MimeKit;

namespace MailserverWorkers.Testing;

/// <summary>What tests do to the stack's real Postfix queue: mail deferred at an MX that refuses, held, deleted.</summary>
public static partial class PostfixQueue
{
    private static MailStack Stack => MailStack.Instance;

    /// <summary>
    /// Sends one message to <paramref name="recipients"/> at a fresh subdomain of unreachable.test through the stack's
    /// port 25 (Rspamd scans it) and waits until Postfix, refused at the unreachable MX (connection refused, 4.4.1),
    /// has deferred it. Returns its queue id and the domain.
    /// </summary>
    public static async Task<(string QueueId, string Domain)> DeferAsync(int recipients = 1)
    {
        var domain = $"{Guid.NewGuid().ToString("n")[..12]}.{Stack["MAILSTACK_UNREACHABLE_DOMAIN"]}";
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        for (var i = 0; i < recipients; i++)
        {
            message.To.Add(MailboxAddress.Parse($"user{i}@{domain}"));
        }

        message.Subject = "deferred at an MX that refuses";
        message.Body = new TextPart("plain") { Text = "to unreachable.test" };
        var answer = await SendAsync(message);
        var id = QueuedAs().Match(answer) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no queue id in '{answer}'");
        for (var waited = 0; waited < 300 && !(await ListAsync()).Contains($"\"queue_name\": \"deferred\", \"queue_id\": \"{id}\"", StringComparison.Ordinal); waited++)
        {
            await Task.Delay(100);
        }

        return (id, domain);
    }

    /// <summary>Delivers one message to <paramref name="user"/> through port 25 and waits until Dovecot has it in the Maildir's new/.</summary>
    public static async Task DeliverAsync(string user)
    {
        var incoming = Path.Combine(Stack.MaildirOf(user), "new");
        var before = Directory.Exists(incoming) ? Directory.GetFiles(incoming).Length : 0;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        message.To.Add(MailboxAddress.Parse(user));
        message.Subject = "a delivery";
        message.Body = new TextPart("plain") { Text = "counted by Dovecot's mail_delivery" };
        await SendAsync(message);
        for (var waited = 0; waited < 300 && !(Directory.Exists(incoming) && Directory.GetFiles(incoming).Length > before); waited++)
        {
            await Task.Delay(100);
        }
    }

    /// <summary><c>postqueue -j</c> of the stack's Postfix.</summary>
    public static Task<string> ListAsync() => PostfixAsync("postqueue", "-j");

    /// <summary>Runs postsuper (-h holds, -H releases, -d deletes) on one queue id of the stack's Postfix.</summary>
    public static Task PostsuperAsync(string option, string queueId) => PostfixAsync("postsuper", option, queueId);

    private static async Task<string> SendAsync(MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", Stack.SmtpPort, MailKit.Security.SecureSocketOptions.None);
        var answer = await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
        return answer;
    }

    private static async Task<string> PostfixAsync(string program, params string[] arguments)
    {
        var run = await ExternalProgram.RunAsync(program, ["-c", Stack["MAILSTACK_POSTFIX_CONFIG"], .. arguments]);
        return run.ExitCode == 0 ? run.Output : throw new InvalidOperationException($"{program} exited {run.ExitCode}: {run.Error}");
    }

    [GeneratedRegex(@"queued as ([0-9A-Za-z]+)")]
    private static partial Regex QueuedAs();
}
