using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// STAND-IN for the Kubernetes API server (none can run here), speaking its real wire protocol for the calls the
/// workers make: <c>GET /api/v1/namespaces/{ns}/pods?labelSelector=...</c> (a PodList, bearer token checked), the
/// pod's log <c>GET .../pods/{pod}/log?container=...&amp;sinceSeconds=...</c> (plain text: the lines of
/// <see cref="LogFile"/>, a real Postfix log, whose syslog time is within sinceSeconds), and the exec WebSocket <c>/api/v1/namespaces/{ns}/pods/{pod}/exec?command=...</c> with the <c>v5.channel.k8s.io</c> or
/// <c>v4.channel.k8s.io</c> subprotocol: binary frames whose first byte is the channel (1 stdout, 2 stderr,
/// 3 status as a JSON v1 Status). It runs the command on this machine, against the real Dovecot, as the kubelet
/// would in the pod. <see cref="CutStreamOn"/> makes it drop the connection after the command ran, before the status;
/// <see cref="Rewrite"/> changes a command before it runs (what a bug in the worker would have sent). The pods listed
/// are <see cref="Pods"/>: by default one running pod, <see cref="Pod"/>.
/// </summary>
public sealed class KubernetesApiStandIn : IAsyncDisposable
{
    public const string Namespace = "mail";
    public const string Pod = "mailserver-0";
    public const string Token = "standin-service-account-token";

    private WebApplication app = null!;

    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Commands (joined by spaces) for which the stream is cut after the command ran and before its status.</summary>
    public Func<string, bool> CutStreamOn { get; set; } = _ => false;

    /// <summary>Changes a command's arguments before it runs; <see cref="Commands"/> keeps what the worker sent.</summary>
    public Func<IReadOnlyList<string>, IReadOnlyList<string>> Rewrite { get; set; } = command => command;

    /// <summary>The pods the label selector <c>app=mailserver</c> lists, in this order.</summary>
    public List<StandInPod> Pods { get; } = [new(Pod, "Running")];

    /// <summary>Each exec's pod and container, as <c>pod/container</c>.</summary>
    public ConcurrentQueue<string> ExecTargets { get; } = new();

    public Uri BaseUrl => app.BaseUrl();

    /// <summary>The file the pod's log is read from (the mail stack's Postfix log).</summary>
    public string? LogFile { get; set; }

    /// <summary>The log requests seen, as their query strings.</summary>
    public ConcurrentQueue<string> LogRequests { get; } = new();

    /// <summary>Starts on plain HTTP, or with <paramref name="certificate"/> on HTTPS as the in-cluster API server is reached.</summary>
    public static async Task<KubernetesApiStandIn> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var standIn = new KubernetesApiStandIn();
        standIn.app = await LoopbackWebApp.StartAsync(app =>
        {
            app.UseWebSockets();
            app.MapGet("/api/v1/namespaces/{ns}/pods", standIn.ListPods);
            app.MapGet("/api/v1/namespaces/{ns}/pods/{pod}/log", standIn.ReadLog);
            app.Map("/api/v1/namespaces/{ns}/pods/{pod}/exec", (Func<HttpContext, string, string, Task>)standIn.ExecAsync);
        }, certificate);
        return standIn;
    }

    private IResult ListPods(string ns, HttpRequest request)
    {
        if (request.Headers.Authorization != $"Bearer {Token}")
        {
            return Results.Json(Status("Failure", "Unauthorized", "Unauthorized", 401), statusCode: 401);
        }

        var items = ns == Namespace && request.Query["labelSelector"] == "app=mailserver"
            ? Pods.Select(p => (object)new
            {
                metadata = new
                {
                    name = p.Name,
                    @namespace = Namespace,
                    labels = new Dictionary<string, string> { ["app"] = "mailserver" },
                    deletionTimestamp = p.Terminating ? "2026-01-01T00:00:00Z" : null,
                },
                spec = new { containers = p.Containers.Select(c => new { name = c, image = "ghcr.io/docker-mailserver/docker-mailserver:15" }).ToArray() },
                status = new { phase = p.Phase },
            }).ToArray()
            : [];
        return Results.Json(new { apiVersion = "v1", kind = "PodList", metadata = new { resourceVersion = "1" }, items });
    }

    private IResult ReadLog(string ns, string pod, HttpRequest request)
    {
        if (request.Headers.Authorization != $"Bearer {Token}")
        {
            return Results.Json(Status("Failure", "Unauthorized", "Unauthorized", 401), statusCode: 401);
        }

        if (ns != Namespace || !IsRunning(pod) || LogFile is null)
        {
            return Results.Json(Status("Failure", $"pods \"{pod}\" not found", "NotFound", 404), statusCode: 404);
        }

        LogRequests.Enqueue(request.QueryString.Value ?? "");
        var now = DateTime.UtcNow;
        var since = int.TryParse(request.Query["sinceSeconds"], out var seconds) ? now.AddSeconds(-seconds) : DateTime.MinValue;
        var lines = File.ReadLines(LogFile).Where(l => SyslogTime.TryParse(l, now, out var at) && at >= since);
        return Results.Text(string.Join("", lines.Select(l => l + "\n")), "text/plain");
    }

    private async Task ExecAsync(HttpContext context, string ns, string pod)
    {
        if (!context.WebSockets.IsWebSocketRequest || context.Request.Headers.Authorization != $"Bearer {Token}" || ns != Namespace || !IsRunning(pod))
        {
            context.Response.StatusCode = 400;
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = offered.FirstOrDefault(p => p == "v5.channel.k8s.io") ?? offered.FirstOrDefault(p => p == "v4.channel.k8s.io");
        if (protocol is null)
        {
            context.Response.StatusCode = 400;
            return;
        }

        var sent = context.Request.Query["command"].Select(c => c!).ToList();
        var line = string.Join(' ', sent);
        Commands.Enqueue(line);
        ExecTargets.Enqueue($"{pod}/{context.Request.Query["container"]}");
        var command = Rewrite(sent);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        command.Skip(1).ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var send = new SemaphoreSlim(1);
        async Task Pump(Stream from, byte channel)
        {
            var buffer = new byte[32 * 1024];
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(1, buffer.Length - 1))) > 0)
            {
                buffer[0] = channel;
                await send.WaitAsync();
                try
                {
                    await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, CancellationToken.None);
                }
                finally
                {
                    send.Release();
                }
            }
        }

        await Task.WhenAll(Pump(process.StandardOutput.BaseStream, 1), Pump(process.StandardError.BaseStream, 2));
        await process.WaitForExitAsync();
        if (CutStreamOn(line))
        {
            context.Abort();
            return;
        }

        var status = process.ExitCode == 0
            ? Status("Success", null, null, null)
            : new
            {
                metadata = new { },
                status = "Failure",
                message = $"command terminated with non-zero exit code: error executing command [{line}], exit code {process.ExitCode}",
                reason = "NonZeroExitCode",
                details = new { causes = new[] { new { reason = "ExitCode", message = process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
            };
        var json = JsonSerializer.SerializeToUtf8Bytes(status);
        await socket.SendAsync((byte[])[3, .. json], WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private bool IsRunning(string pod) => Pods.Any(p => p.Name == pod && p.Phase == "Running");

    private static object Status(string status, string? message, string? reason, int? code) =>
        new { kind = "Status", apiVersion = "v1", metadata = new { }, status, message, reason, code };

    /// <summary>A kubeconfig pointing at this stand-in, as a worker outside the cluster would use.</summary>
    public string WriteKubeconfig(string path)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: standin
              cluster:
                server: {BaseUrl.ToString().TrimEnd('/')}
            users:
            - name: standin
              user:
                token: {Token}
            contexts:
            - name: standin
              context:
                cluster: standin
                user: standin
                namespace: {Namespace}
            current-context: standin
            """, Encoding.UTF8);
        return path;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
