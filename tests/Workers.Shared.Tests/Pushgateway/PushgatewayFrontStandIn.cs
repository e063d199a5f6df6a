using System.Collections.Concurrent;
using MailserverWorkers.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MailserverWorkers.Shared.Tests.Pushgateway;

/// <summary>
/// STAND-IN for what sits in front of a Pushgateway in production (an ingress or an authenticating proxy) and for a
/// Pushgateway under load: the real one never answers 5xx, 408 or 429 on demand. Each request takes the next of
/// <see cref="Script"/> (a status code, or 0 to hold the request until the client gives up); once the script is
/// used up it answers 200 as the Pushgateway's PUT/POST does. It records every request's method, path and
/// Authorization header.
/// </summary>
internal sealed class PushgatewayFrontStandIn : IAsyncDisposable
{
    private WebApplication app = null!;

    public ConcurrentQueue<int> Script { get; } = new();

    public ConcurrentQueue<(string Method, string Path, string? Authorization)> Requests { get; } = new();

    public Uri BaseUrl => app.BaseUrl();

    public static async Task<PushgatewayFrontStandIn> StartAsync()
    {
        var standIn = new PushgatewayFrontStandIn();
        standIn.app = await LoopbackWebApp.StartAsync(app => app.Map("/metrics/{**rest}", async (HttpContext context) =>
        {
            var request = context.Request;
            standIn.Requests.Enqueue((request.Method, request.Path.Value ?? "", request.Headers.Authorization.FirstOrDefault()));
            await request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            var status = standIn.Script.TryDequeue(out var next) ? next : 200;
            if (status == 0)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            context.Response.StatusCode = status;
        }));
        return standIn;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
