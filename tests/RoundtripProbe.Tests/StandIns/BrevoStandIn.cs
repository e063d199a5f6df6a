using System.Collections.Concurrent;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Builder;
using MailserverWorkers.Testing;
using Microsoft.AspNetCore.Http;
using MimeKit;

namespace MailserverWorkers.RoundtripProbe.Tests.StandIns;

/// <summary>
/// STAND-IN for Brevo's transactional API (Brevo cannot be reached from here). Its two endpoints check what Brevo
/// documents: the <c>api-key</c> header (401 <c>{"code":"unauthorized","message":"Key not found"}</c> without a valid
/// one); <c>POST /v3/smtp/email</c> with <c>sender.email</c>, a non-empty <c>to</c> of <c>{email,name?}</c>,
/// <c>subject</c>, <c>textContent</c> or <c>htmlContent</c> and optional <c>headers</c>, answered
/// 201 <c>{"messageId":"&lt;...&gt;"}</c> after relaying the mail into the real Postfix on the stack's SMTP port;
/// <c>DELETE /v3/smtp/blockedContacts/{email}</c>, answered 204 when blocked, else 404.
/// </summary>
public sealed class BrevoStandIn : IAsyncDisposable
{
    public const string ApiKey = "xkeysib-standin-0123456789abcdef";

    private WebApplication app = null!;

    /// <summary>Calls in arrival order: "DELETE probe@..." / "POST subject".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentDictionary<string, bool> Blocked { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<JsonElement> SentBodies { get; } = new();

    /// <summary>Set to make the next sends fail as Brevo does for a sender it has not validated.</summary>
    public bool RejectSender { get; set; }

    /// <summary>When set, the unblock call answers this status with Brevo's error JSON (a Brevo having a bad minute).</summary>
    public int? UnblockFailsWith { get; set; }

    public Uri BaseUrl => app.BaseUrl();

    public static async Task<BrevoStandIn> StartAsync(string smtpHost, int smtpPort)
    {
        var standIn = new BrevoStandIn();
        standIn.app = await LoopbackWebApp.StartAsync(app =>
        {
            app.MapDelete("/v3/smtp/blockedContacts/{email}", (string email, HttpRequest request) =>
            {
                if (request.Headers["api-key"] != ApiKey)
                {
                    return Unauthorized();
                }

                standIn.Calls.Enqueue($"DELETE {email}");
                if (standIn.UnblockFailsWith is { } status)
                {
                    return Results.Json(new { code = "internal_error", message = "Something went wrong, please try again" }, statusCode: status);
                }

                return standIn.Blocked.TryRemove(email, out _)
                    ? Results.NoContent()
                    : Results.Json(new { code = "document_not_found", message = "Contact does not exist" }, statusCode: 404);
            });
            // GET /v3/account: the account of the key (https://developers.brevo.com/reference/getaccount), 401 for another.
            app.MapGet("/v3/account", (HttpRequest request) =>
            {
                if (request.Headers["api-key"] != ApiKey)
                {
                    return Unauthorized();
                }

                standIn.Calls.Enqueue("GET account");
                return Results.Json(new { email = "owner@example.test", companyName = "Stand-in", plan = new[] { new { type = "free", credits = 300 } } });
            });
            app.MapPost("/v3/smtp/email", async (HttpRequest request) =>
            {
                if (request.Headers["api-key"] != ApiKey)
                {
                    return Unauthorized();
                }

                using var json = await JsonDocument.ParseAsync(request.Body);
                var body = json.RootElement.Clone();
                if (Invalid(body) is { } error)
                {
                    return Results.Json(new { code = "invalid_parameter", message = error }, statusCode: 400);
                }

                standIn.Calls.Enqueue($"POST {body.GetProperty("subject").GetString()}");
                standIn.SentBodies.Enqueue(body);
                if (standIn.RejectSender)
                {
                    return Results.Json(new { code = "unauthorized", message = "Sending has been rejected because the sender you used is not valid." }, statusCode: 400);
                }

                var messageId = await RelayAsync(body, smtpHost, smtpPort);
                return Results.Json(new { messageId = $"<{messageId}>" }, statusCode: 201);
            });
        });
        return standIn;
    }

    private static IResult Unauthorized() => Results.Json(new { code = "unauthorized", message = "Key not found" }, statusCode: 401);

    private static string? Invalid(JsonElement body)
    {
        if (!body.TryGetProperty("sender", out var sender) || !sender.TryGetProperty("email", out _))
        {
            return "sender is missing";
        }

        if (!body.TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.Array || to.GetArrayLength() == 0 ||
            to.EnumerateArray().Any(t => !t.TryGetProperty("email", out _)))
        {
            return "to is missing";
        }

        if (!body.TryGetProperty("subject", out _))
        {
            return "subject is missing";
        }

        if (!body.TryGetProperty("textContent", out _) && !body.TryGetProperty("htmlContent", out _))
        {
            return "htmlContent is not valid";
        }

        return body.TryGetProperty("headers", out var headers) && headers.ValueKind != JsonValueKind.Object ? "headers is not valid" : null;
    }

    private static async Task<string> RelayAsync(JsonElement body, string smtpHost, int smtpPort)
    {
        var sender = body.GetProperty("sender");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(sender.TryGetProperty("name", out var n) ? n.GetString() : null, sender.GetProperty("email").GetString()!));
        foreach (var to in body.GetProperty("to").EnumerateArray())
        {
            message.To.Add(MailboxAddress.Parse(to.GetProperty("email").GetString()!));
        }

        message.Subject = body.GetProperty("subject").GetString()!;
        message.MessageId = $"{Guid.NewGuid():N}@smtp-relay.mailin.fr";
        if (body.TryGetProperty("headers", out var headers))
        {
            foreach (var header in headers.EnumerateObject())
            {
                message.Headers.Add(header.Name, header.Value.GetString()!);
            }
        }

        message.Body = new TextPart("plain") { Text = body.TryGetProperty("textContent", out var text) ? text.GetString()! : "" };
        using var smtp = new SmtpClient { Timeout = 10_000 };
        await smtp.ConnectAsync(smtpHost, smtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
        return message.MessageId;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
