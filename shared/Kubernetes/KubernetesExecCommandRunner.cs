using k8s;
using k8s.Autorest;
using k8s.Models;
using MailserverWorkers.Shared.Commands;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.Kubernetes;

/// <summary>
/// Runs commands inside the mail server's pod through the Kubernetes exec API (KubernetesClient's
/// <c>NamespacedPodExecAsync</c>, which reads the exit code from the status channel). The pod is the first running
/// one, by name, that <c>Kubernetes__LabelSelector</c> selects in <c>Kubernetes__Namespace</c>. RBAC it needs:
/// <c>pods: get, list</c> and <c>pods/exec: create, get</c> in that namespace, nothing more.
/// A stream that ends without an exit status is an error, never a success.
/// </summary>
public sealed class KubernetesExecCommandRunner(IKubernetes client, IOptions<KubernetesOptions> options, ILogger<KubernetesExecCommandRunner> logger)
    : ICommandRunner
{
    private V1Pod? pod;

    /// <inheritdoc />
    public string Where => $"pod {options.Value.Namespace}/{pod?.Metadata.Name ?? "(not chosen yet)"}";

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(IReadOnlyList<string> command, Func<Stream, CancellationToken, Task> readStandardOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(readStandardOutput);
        var settings = options.Value;
        pod ??= await FindPodAsync(settings, cancellationToken);
        var name = pod.Metadata.Name;
        var container = string.IsNullOrEmpty(settings.Container) ? pod.Spec?.Containers?.FirstOrDefault()?.Name ?? "" : settings.Container;
        var standardError = "";
        try
        {
            var exitCode = await client.NamespacedPodExecAsync(
                name,
                settings.Namespace,
                container,
                command,
                tty: false,
                async (stdin, stdout, stderr) =>
                {
                    await stdin.DisposeAsync();
                    var error = BoundedText.ReadAsync(stderr, cancellationToken);
                    await readStandardOutput(stdout, cancellationToken);
                    await stdout.CopyToAsync(Stream.Null, cancellationToken);
                    standardError = await error;
                },
                cancellationToken);
            return new CommandResult(exitCode, standardError);
        }
        catch (KubernetesException e)
        {
            throw new CommandFailedException($"exec of {command[0]} in pod {settings.Namespace}/{name}: {e.Status?.Message ?? e.Message}", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CommandFailedException)
        {
            // The status channel never said how the command ended: whatever it did is unknown.
            throw new CommandFailedException(
                $"exec of {command[0]} in pod {settings.Namespace}/{name}: the stream ended without the command's exit status ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private async Task<V1Pod> FindPodAsync(KubernetesOptions settings, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(settings.Timeout);
        V1PodList pods;
        try
        {
            pods = await client.CoreV1.ListNamespacedPodAsync(settings.Namespace, labelSelector: settings.LabelSelector, cancellationToken: bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CommandFailedException($"listing pods in {settings.Namespace}: no answer from the API server within {settings.Timeout.TotalSeconds:0}s");
        }
        catch (HttpOperationException e)
        {
            throw new CommandFailedException($"listing pods in {settings.Namespace} ({settings.LabelSelector}): HTTP {(int)e.Response.StatusCode} {e.Response.ReasonPhrase}", e);
        }
        catch (HttpRequestException e)
        {
            throw new CommandFailedException($"listing pods in {settings.Namespace}: {e.Message}", e);
        }

        var running = pods.Items
            .Where(p => p.Status?.Phase == "Running" && p.Metadata?.DeletionTimestamp is null)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault()
            ?? throw new CommandFailedException($"no running pod in namespace {settings.Namespace} matches {settings.LabelSelector} ({pods.Items.Count} pod(s) listed)");
        logger.LogInformation("Running commands in pod {Namespace}/{Pod}", settings.Namespace, running.Metadata.Name);
        return running;
    }
}
