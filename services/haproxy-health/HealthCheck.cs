using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>
/// <c>--check</c> of haproxy-health: one attempt per target (the run makes <c>Attempts</c>), HAProxy's stats read,
/// and with <c>PostfixLog__Enabled</c> the mail server's pods listed and their log read. The attempts are what a run
/// does anyway (connect, greeting, STARTTLS or TLS, QUIT); nothing else is sent, nothing reported.
/// </summary>
public sealed class HealthCheck(
    PathProber prober,
    IOptions<TargetSet> targets,
    IOptions<HaproxyOptions> haproxy,
    IOptions<PostfixLogOptions> postfixLog,
    IHaproxyStatsSource stats,
    Lazy<PostfixFatalCounter> postfixFatals) : IWorkerCheck
{
    public IEnumerable<CheckStep> Steps()
    {
        foreach (var (name, target) in targets.Value.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            yield return new($"target {name} ({target.Host}:{target.Port}, {target.Protocol.ToConfigurationValue()}, proxy {target.Proxy.ToConfigurationValue()}, expect {target.Expect.ToConfigurationValue()}): one attempt", async ct =>
            {
                var attempt = await prober.AttemptAsync(target, ct);
                if (!attempt.Succeeded)
                {
                    throw new PathCheckException(attempt.Error ?? "failed");
                }
            });
        }

        if (haproxy.Value.Configured)
        {
            yield return new($"HAProxy's stats ({stats.Describe()}) read", async ct => HaproxyServerStatus.ParseCsv(await stats.ReadCsvAsync(ct)));
        }

        if (postfixLog.Value.Enabled)
        {
            yield return new("the mail server's pods listed and their Postfix log read through the API", async ct => await postfixFatals.Value.CountAsync(ct));
        }
    }
}
