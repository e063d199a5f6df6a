using k8s;
using k8s.Autorest;
using MailserverWorkers.Shared.Kubernetes;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// Counts lines such as <c>postfix/submission/smtpd[812]: fatal: ...</c> in each mail server pod's log over the
/// window, through pods/log with sinceSeconds, so only the API server is asked (RBAC: get pods/log, list pods).
/// </summary>
public sealed class PostfixFatalCounter(IKubernetes client, IOptions<KubernetesOptions> kubernetes, IOptions<PostfixLogOptions> options)
{
    public async Task<IReadOnlyDictionary<string, int>> CountAsync(CancellationToken cancellationToken)
    {
        var settings = kubernetes.Value;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(settings.Timeout);
        try
        {
            var pods = await client.CoreV1.ListNamespacedPodAsync(settings.Namespace, labelSelector: settings.LabelSelector, cancellationToken: limit.Token);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var pod in pods.Items.Where(p => p.Status?.Phase == "Running"))
            {
                await using var log = await client.CoreV1.ReadNamespacedPodLogAsync(
                    pod.Metadata.Name, settings.Namespace, container: settings.Container,
                    sinceSeconds: (int)Math.Ceiling(options.Value.Window.TotalSeconds), cancellationToken: limit.Token);
                using var reader = new StreamReader(log);
                var count = 0;
                while (await reader.ReadLineAsync(limit.Token) is { } line)
                {
                    if (IsPostfixFatal(line))
                    {
                        count++;
                    }
                }

                counts[pod.Metadata.Name] = count;
            }

            return counts.Count > 0 ? counts : throw new PathCheckException($"no running pod in {settings.Namespace} matches {settings.LabelSelector}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PathCheckException($"reading the mail server's log: no answer from the API server within {settings.Timeout}");
        }
        catch (HttpOperationException e)
        {
            throw new PathCheckException($"reading the mail server's log: HTTP {(int)e.Response.StatusCode} from the API server", e);
        }
        catch (HttpRequestException e)
        {
            throw new PathCheckException($"reading the mail server's log: {e.Message}", e);
        }
    }

    /// <summary>A Postfix daemon's fatal line, by syslog name (<c>postfix/...[pid]: fatal: </c>).</summary>
    public static bool IsPostfixFatal(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fatal = line.IndexOf("]: fatal: ", StringComparison.Ordinal);
        return fatal > 0 && line.LastIndexOf("postfix/", fatal, StringComparison.Ordinal) >= 0;
    }
}
