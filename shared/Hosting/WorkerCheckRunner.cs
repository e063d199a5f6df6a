using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>
/// Runs <c>--check</c>: every step of the worker's <see cref="IWorkerCheck"/>, one after the other, each logged as
/// <c>ok &lt;what&gt;</c> or <c>FAILED &lt;what&gt;: &lt;why&gt;</c>. Exit 0 when all passed, 1 otherwise; nothing is pushed.
/// </summary>
public sealed class WorkerCheckRunner(IServiceScopeFactory scopes, ILogger<WorkerCheckRunner> logger)
{
    /// <summary>Runs every step and returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var check = scope.ServiceProvider.GetRequiredService<IWorkerCheck>();
        int passed = 0, failed = 0;
        foreach (var step in check.Steps())
        {
            try
            {
                await step.ProveAsync(cancellationToken);
                logger.LogInformation("ok {What}", step.What);
                passed++;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Cancelled during the check of {What}", step.What);
                return ExitCodes.Cancelled;
            }
            catch (Exception e) when (ConfigurationErrors.Describe(e) is { } configurationError)
            {
                logger.LogError("Configuration invalid: {Error}", configurationError);
                return ExitCodes.ConfigurationInvalid;
            }
            catch (Exception e)
            {
                logger.LogError("FAILED {What}: {Error}", step.What, e is WorkerConfigurationException ? e.Message : Describe(e));
                failed++;
            }
        }

        logger.LogInformation("Check: {Passed} passed, {Failed} failed; nothing was sent, deleted, written or reported", passed, failed);
        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    // The workers' own exceptions carry a sentence made for this line; anything else is named with its type.
    private static string Describe(Exception e) =>
        e.GetType().Namespace?.StartsWith("MailserverWorkers", StringComparison.Ordinal) == true ? e.Message : $"{e.GetType().Name}: {e.Message}";
}
