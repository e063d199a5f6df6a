using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using MailserverWorkers.Testing;
using Microsoft.AspNetCore.Http;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// STAND-IN for an Uptime Kuma push monitor (Uptime Kuma cannot run here). It speaks the real wire protocol of
/// server/routers/api-router.js at 2.0.2: <c>/api/push/:pushToken</c> with any method; <c>status</c> up or anything
/// else for down; <c>ping</c> milliseconds 0 to 86,400,000 (400 outside); <c>{"ok":true}</c> on success; an unknown
/// token answers 500 <c>{"ok":false,"msg":"Monitor not found or not active."}</c>.
/// </summary>
public sealed class UptimeKumaStandIn : IAsyncDisposable
{
    private WebApplication app = null!;

    public const string Token = "kumaPushTok3n";

    public ConcurrentQueue<Heartbeat> Heartbeats { get; } = new();

    public Uri BaseUrl => app.BaseUrl();

    /// <summary>The push URL as Kuma's UI shows it, query included (the probe must replace it).</summary>
    public Uri PushUrl => new(BaseUrl, $"/api/push/{Token}?status=up&msg=OK&ping=");

    public Uri UnknownTokenUrl => new(BaseUrl, "/api/push/doesNotExist?status=up&msg=OK&ping=");

    public static async Task<UptimeKumaStandIn> StartAsync()
    {
        var standIn = new UptimeKumaStandIn();
        standIn.app = await LoopbackWebApp.StartAsync(app =>
        {
            app.Map("/api/push/{token}", (string token, HttpRequest request) =>
            {
                if (token != Token)
                {
                    return Results.Json(new { ok = false, msg = "Monitor not found or not active." }, statusCode: 500);
                }

                var ping = request.Query["ping"].ToString();
                if (ping.Length > 0 && (!long.TryParse(ping, out var ms) || ms < 0 || ms > 86_400_000))
                {
                    return Results.Json(new { ok = false, msg = "Invalid ping" }, statusCode: 400);
                }

                var status = request.Query["status"].ToString();
                var msg = request.Query["msg"].ToString();
                standIn.Heartbeats.Enqueue(new Heartbeat(request.Method, status == "up", msg.Length > 0 ? msg : "OK", ping, request.QueryString.Value ?? ""));
                return Results.Json(new { ok = true });
            });
        });
        return standIn;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    public sealed record Heartbeat(string Method, bool Up, string Message, string Ping, string RawQuery);
}
