using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// Sends the probe mail through Brevo's transactional API: <c>POST /v3/smtp/email</c> with the <c>api-key</c> header,
/// answered 201 with a <c>messageId</c>. Before each send it unblocks the recipient
/// (<c>DELETE /v3/smtp/blockedContacts/{email}</c>, 204, or 404 when it was not blocked): one bounce of the probe
/// address would otherwise make Brevo drop every later probe in silence.
/// Keep in sync with https://developers.brevo.com/reference/sendtransacemail and
/// https://developers.brevo.com/reference/smtpblockedcontactsemaildelete
/// </summary>
public sealed partial class BrevoProbeSender(HttpClient http, IOptions<BrevoOptions> options, ILogger<BrevoProbeSender> logger) : IProbeSender
{
    public string CheckDescription => $"Brevo API at {options.Value.BaseUrl.Authority} takes the API key (GET /v3/account)";

    /// <summary>
    /// <c>GET /v3/account</c> (https://developers.brevo.com/reference/getaccount): 200 with the account for a valid
    /// key, 401 otherwise; it sends nothing and changes nothing.
    /// </summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var brevo = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(brevo.BaseUrl, "v3/account"));
        using var response = await CallAsync("Brevo account (GET /v3/account)", request, brevo, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new ProbeFailedException($"Brevo account (GET /v3/account): HTTP {(int)response.StatusCode}: {BrevoMessage(await response.Content.ReadAsStringAsync(cancellationToken))}");
        }
    }

    public async Task SendAsync(ProbeMail mail, Task ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(ready);
        // An API has no session to open beforehand: nothing is asked of Brevo until the IMAP side is ready.
        await ready;
        var brevo = options.Value;
        await UnblockAsync(brevo, mail.To, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(brevo.BaseUrl, "v3/smtp/email"))
        {
            Content = JsonContent.Create(
                new BrevoEmail(
                    new BrevoAddress(mail.From, mail.FromName),
                    [new BrevoAddress(mail.To, null)],
                    mail.Subject,
                    mail.TextBody,
                    new Dictionary<string, string> { [mail.MarkerHeader] = mail.Id, ["Auto-Submitted"] = "auto-generated" }),
                BrevoJson.Default.BrevoEmail),
        };
        using var response = await CallAsync("Brevo send (POST /v3/smtp/email)", request, brevo, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new ProbeFailedException($"Brevo send (POST /v3/smtp/email): HTTP {(int)response.StatusCode}: {BrevoMessage(body)}");
        }

        logger.LogInformation("Sent {Id} through Brevo for {To}: messageId {MessageId}", mail.Id, mail.To, MessageId(body));
    }

    private async Task UnblockAsync(BrevoOptions brevo, string email, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(brevo.BaseUrl, "v3/smtp/blockedContacts/" + Uri.EscapeDataString(email)));
        try
        {
            using var response = await CallAsync("Brevo unblock", request, brevo, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.NoContent:
                    logger.LogWarning("Brevo had blocked {Email} (a bounce or complaint); unblocked it before sending", email);
                    break;
                case HttpStatusCode.NotFound:
                    break;
                default:
                    logger.LogWarning("Brevo unblock of {Email} answered HTTP {Status}: {Message}; sending anyway", email, (int)response.StatusCode,
                        BrevoMessage(await response.Content.ReadAsStringAsync(cancellationToken)));
                    break;
            }
        }
        catch (ProbeFailedException e)
        {
            // The unblock is a precaution; the send that follows is what the probe judges.
            logger.LogWarning("{Error}; sending anyway", e.Message);
        }
    }

    private async Task<HttpResponseMessage> CallAsync(string what, HttpRequestMessage request, BrevoOptions brevo, CancellationToken cancellationToken)
    {
        request.Headers.Add("api-key", brevo.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(brevo.Timeout);
        try
        {
            return await http.SendAsync(request, bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProbeFailedException($"{what}: no answer from {brevo.BaseUrl.Authority} within {brevo.Timeout.TotalSeconds:0.###}s (timed out)");
        }
        catch (HttpRequestException e)
        {
            throw new ProbeFailedException($"{what}: {e.Message}", e);
        }
    }

    private static string BrevoMessage(string body)
    {
        // Brevo's errors are {"code":"...","message":"..."}.
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message))
            {
                return json.RootElement.TryGetProperty("code", out var code) ? $"{code.GetString()}: {message.GetString()}" : message.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
        }

        return body.Length > 200 ? body[..200] : body;
    }

    private static string MessageId(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("messageId", out var id) ? id.GetString() ?? "?" : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }

    internal sealed record BrevoAddress(
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name);

    internal sealed record BrevoEmail(
        [property: JsonPropertyName("sender")] BrevoAddress Sender,
        [property: JsonPropertyName("to")] IReadOnlyList<BrevoAddress> To,
        [property: JsonPropertyName("subject")] string Subject,
        [property: JsonPropertyName("textContent")] string TextContent,
        [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers);

    // Source-generated (a native binary has no reflection serializer); web defaults, as JsonContent.Create's own.
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(BrevoEmail))]
    internal sealed partial class BrevoJson : JsonSerializerContext;
}
