using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// Postfix's fatal lines in each mail server pod's log over <c>PostfixLog__Window</c>, when <c>PostfixLog__Enabled</c>:
/// more than <c>PostfixLog__MaxFatalLines</c> in a pod is a failure; an error reading the log fails this step alone.
/// </summary>
public sealed class PostfixFatalStep(IOptions<PostfixLogOptions> postfixLog, Lazy<PostfixFatalCounter> counter, ILogger<PostfixFatalStep> logger)
{
    public async Task<StepResult<IReadOnlyDictionary<string, int>>> CountAsync(CancellationToken cancellationToken)
    {
        var settings = postfixLog.Value;
        if (!settings.Enabled)
        {
            // Not configured: nothing found, nothing failed.
            return new(null, []);
        }

        var failures = new List<string>();
        try
        {
            // Made only here: the Kubernetes client reads its kubeconfig when it is made.
            var counts = await counter.Value.CountAsync(cancellationToken);
            foreach (var (pod, count) in counts)
            {
                logger.Log(count > settings.MaxFatalLines ? LogLevel.Warning : LogLevel.Information, "Pod {Pod}: {Count} Postfix fatal lines in the last {Window}", pod, count, settings.Window);
                if (count > settings.MaxFatalLines)
                {
                    failures.Add($"pod {pod}: {count} Postfix fatal lines in the last {settings.Window}, more than PostfixLog__MaxFatalLines={settings.MaxFatalLines}");
                }
            }

            return new(counts, failures);
        }
        catch (PathCheckException e)
        {
            failures.Add(e.Message);
            return new(null, failures);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            failures.Add($"Postfix's log: {e.GetType().Name}: {e.Message}");
            return new(null, failures);
        }
    }
}
