using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailserverWorkers.Testing;
using MimeKit;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>mailserver-stats' configuration for the local stack, and what its tests do to the real Postfix queue.</summary>
internal static partial class StatsEnvironment
{
    public static MailStack Stack => MailStack.Instance;

    public static Dictionary<string, string> For(params string[] sources) => new()
    {
        ["Stats__Postfix"] = sources.Contains("postfix") ? "true" : "false",
        ["Stats__Dovecot"] = sources.Contains("dovecot") ? "true" : "false",
        ["Stats__Rspamd"] = sources.Contains("rspamd") ? "true" : "false",
        ["Stats__PostfixConfigDirectory"] = Stack["MAILSTACK_POSTFIX_CONFIG"],
        ["Stats__DovecotConfigFile"] = Stack.DovecotConfig,
        ["Stats__RspamdController"] = new Uri(Stack["MAILSTACK_RSPAMD_CONTROLLER_URL"]).Authority,
        ["Stats__TopDomains"] = "100",
        ["Pushgateway__Url"] = Stack.PushgatewayUrl.ToString(),
        ["Pushgateway__Labels__instance"] = "stats-test-" + Guid.NewGuid().ToString("n")[..8],
    };

    public static Task<WorkerRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        WorkerProcess.RunAsync("mailserver-stats", environment, arguments);

    /// <summary>The value the run logged for a sample, e.g. <c>mailserver_postfix_queue_messages{queue="hold"}</c>; null when it logged none.</summary>
    public static double? Sample(WorkerRun run, string sample)
    {
        var line = run.Lines.LastOrDefault(l => l.Contains($" {sample} ", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Sends one message to <paramref name="recipients"/> at a fresh subdomain of unreachable.test through the stack's
    /// port 25 (Rspamd scans it), and waits until Postfix, refused at the unreachable MX, has deferred it.
    /// </summary>
    public static async Task<(string QueueId, string Domain)> DeferAsync(int recipients = 2)
    {
        var domain = $"{Guid.NewGuid().ToString("n")[..12]}.{Stack["MAILSTACK_UNREACHABLE_DOMAIN"]}";
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        for (var i = 0; i < recipients; i++)
        {
            message.To.Add(MailboxAddress.Parse($"user{i}@{domain}"));
        }

        message.Subject = "mailserver-stats deferred";
        message.Body = new TextPart("plain") { Text = "to an MX that refuses" };
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", Stack.SmtpPort, MailKit.Security.SecureSocketOptions.None);
        var answer = await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
        var id = QueuedAs().Match(answer) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no queue id in '{answer}'");
        for (var waited = 0; waited < 300 && !(await PostqueueAsync()).Contains($"\"queue_name\": \"deferred\", \"queue_id\": \"{id}\"", StringComparison.Ordinal); waited++)
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
        message.Subject = "mailserver-stats delivery";
        message.Body = new TextPart("plain") { Text = "counted by Dovecot's mail_delivery" };
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", Stack.SmtpPort, MailKit.Security.SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
        for (var waited = 0; waited < 300 && !(Directory.Exists(incoming) && Directory.GetFiles(incoming).Length > before); waited++)
        {
            await Task.Delay(100);
        }
    }

    public static async Task<string> PostqueueAsync() => await PostfixAsync("postqueue", "-j");

    /// <summary>Runs postsuper (-h, -H, -d) on one queue id of the stack's Postfix.</summary>
    public static Task PostsuperAsync(string option, string queueId) => PostfixAsync("postsuper", option, queueId);

    private static async Task<string> PostfixAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Stack["MAILSTACK_POSTFIX_CONFIG"]);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} exited {process.ExitCode}: {error}");
    }

    /// <summary>A tool of the test's own making: a shell script in a fresh folder.</summary>
    public static string Tool(string name, string script)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("stats-tool-").FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [GeneratedRegex(@"queued as ([0-9A-Za-z]+)")]
    private static partial Regex QueuedAs();
}
