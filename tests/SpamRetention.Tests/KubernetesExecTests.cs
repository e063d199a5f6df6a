using MailserverWorkers.Testing.StandIns;
using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>The dovecot backend with doveadm "in the pod": Kubernetes exec through the API server stand-in, doveadm against the real Dovecot.</summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed class KubernetesExecTests : IAsyncLifetime
{
    private readonly MailStack stack = MailStack.Instance;
    private readonly string kubeconfig = Path.GetTempFileName();
    private KubernetesApiStandIn api = null!;

    public async Task InitializeAsync() => api = await KubernetesApiStandIn.StartAsync();

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        File.Delete(kubeconfig);
    }

    private Dictionary<string, string> Environment()
    {
        var environment = RetentionEnvironment.For(stack, "dovecot");
        environment["Dovecot__Runner"] = "kubernetes";
        environment["Kubernetes__Namespace"] = KubernetesApiStandIn.Namespace;
        environment["Kubernetes__LabelSelector"] = "app=mailserver";
        environment["Kubernetes__Kubeconfig"] = api.WriteKubeconfig(kubeconfig);
        environment["Retention__MaxDeletePercent"] = "100";
        return environment;
    }

    [Fact]
    public async Task DoveadmInThePod_DeletesExactlyWhatTheRulesSay()
    {
        var sample = CorpusSample.Take(every: 50, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);

        var started = DateTimeOffset.UtcNow;
        var run = await RetentionEnvironment.RunAsync(Environment());
        var ended = DateTimeOffset.UtcNow;

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Running commands in pod mail/mailserver-0", run.Output);
        Assert.Equal(sample.Remaining, await RetentionMailbox.RemainingAsync(stack));
        Assert.Equal(sample.AutoDoomed, RetentionEnvironment.Metric(run, "spam_retention_auto_deleted_messages"));
        var commands = api.Commands.ToList();
        Assert.StartsWith("doveadm -c ", commands[0]);
        Assert.EndsWith(" -f json mailbox status -u retention@example.test guid uidvalidity INBOX", commands[0]);
        var guid = (await RetentionMaildir.RunAsync("doveadm", "-c", stack.DovecotConfig, "mailbox", "status", "-u", stack.RetentionUser, "guid", "INBOX")).Trim().Split('=')[1];
        // After the one look-up by name, the folder is addressed only by its GUID.
        Assert.Contains(commands, c => System.Text.RegularExpressions.Regex.IsMatch(c, $" -f json fetch -u retention@example.test user mailbox-guid uid date.received.unixtime size.physical hdr mailbox-guid {guid} uid [0-9]+:[0-9]+$"));
        // Each expunge carries its rule's cutoff, taken during the run: 14 days back for automated mail, 90 for the rest,
        // which Dovecot checks again against each message's received date.
        var cutoffs = commands.Where(c => c.Contains($" expunge -u retention@example.test mailbox-guid {guid} uid ", StringComparison.Ordinal))
            .Select(c => DateTimeOffset.FromUnixTimeSeconds(long.Parse(System.Text.RegularExpressions.Regex.Match(c, " before ([0-9]+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.NotEmpty(cutoffs);
        bool Within(DateTimeOffset cutoff, int days) => cutoff >= started.AddDays(-days).AddSeconds(-1) && cutoff <= ended.AddDays(-days).AddSeconds(1);
        Assert.All(cutoffs, c => Assert.True(Within(c, 14) || Within(c, 90), $"cutoff {c:O} is neither 14 nor 90 days before the run"));
        Assert.Equal(sample.AutoDoomed > 0, cutoffs.Any(c => Within(c, 14)));
        Assert.Equal(sample.HumanDoomed > 0, cutoffs.Any(c => Within(c, 90)));
        Assert.DoesNotContain(commands, c => c.Contains(" mailbox INBOX", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AYoungUidSlippedIntoTheExpungeSet_IsKeptByDovecotsOwnDateCheck()
    {
        // What a bug in the worker's set arithmetic would send: every message younger than 14 days added to each
        // expunge's UID set. The "before" cutoff each expunge carries is Dovecot's second look: it keeps them all.
        var sample = CorpusSample.Take(every: 50, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);
        var young = sample.Messages.Where(m => m.Received > DateTimeOffset.UtcNow.AddDays(-14)).Select(m => m.Id).ToHashSet();
        var uids = await RetentionMailbox.UidsAsync(stack);
        var youngUids = string.Join(',', young.Select(id => uids[id]));
        var rewritten = 0;
        api.Rewrite = command =>
        {
            var uid = command.ToList().IndexOf("uid");
            if (!command.Contains("expunge") || uid < 0)
            {
                return command;
            }

            Interlocked.Increment(ref rewritten);
            return [.. command.Take(uid + 1), command[uid + 1] + "," + youngUids, .. command.Skip(uid + 2)];
        };

        var run = await RetentionEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEmpty(young);
        Assert.True(rewritten > 0, "no expunge was sent");
        var remaining = await RetentionMailbox.RemainingAsync(stack);
        Assert.Superset(young, remaining);
        Assert.Equal(sample.Remaining, remaining);
    }

    [Fact]
    public async Task ThePod_IsTheFirstRunningOneByName_NotOneBeingDeleted_AndTheContainerIsTheOneNamed()
    {
        api.Pods.Clear();
        api.Pods.AddRange([
            new StandInPod("mailserver-0", "Pending"),
            new StandInPod("mailserver-1", "Running", Terminating: true),
            new StandInPod("mailserver-3", "Running", false, "mailserver", "fail2ban"),
            new StandInPod("mailserver-2", "Running", false, "sidecar", "mailserver"),
        ]);
        var environment = Environment();
        environment["Retention__MaxDeletePercent"] = "0";
        await RetentionMailbox.ResetAsync(stack);

        var first = await RetentionEnvironment.RunAsync(environment);
        environment["Kubernetes__Container"] = "mailserver";
        var named = await RetentionEnvironment.RunAsync(environment);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Contains("Running commands in pod mail/mailserver-2", first.Output);
        var targets = api.ExecTargets.Distinct().ToList();
        // Without Kubernetes__Container, the pod's first container, as kubectl exec picks it.
        Assert.Equal(["mailserver-2/sidecar", "mailserver-2/mailserver"], targets);
    }

    [Fact]
    public async Task WithoutKubernetesKubeconfig_OutsideACluster_TheUsersKubeConfigIsUsed_AndItsAbsenceNamed()
    {
        var home = Directory.CreateTempSubdirectory("retention-home-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Join(home, ".kube"));
            api.WriteKubeconfig(Path.Join(home, ".kube", "config"));
            var environment = Environment();
            environment.Remove("Kubernetes__Kubeconfig");
            environment["HOME"] = home;
            environment["KUBECONFIG"] = "";
            // Not in a cluster, even when the tests themselves run in a pod.
            environment["KUBERNETES_SERVICE_HOST"] = "";
            environment["Retention__MaxDeletePercent"] = "0";
            await RetentionMailbox.ResetAsync(stack);

            var run = await RetentionEnvironment.RunAsync(environment);
            File.Delete(Path.Join(home, ".kube", "config"));
            var none = await RetentionEnvironment.RunAsync(environment);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("Running commands in pod mail/mailserver-0", run.Output, StringComparison.Ordinal);
            Assert.NotEmpty(api.Commands);
            Assert.True(none.ExitCode == 2, none.ToString());
            Assert.Contains($"Kubernetes__Kubeconfig: not set, not in a cluster (no service account), and no kubeconfig at '{home}/.kube/config'", Assert.Single(none.Lines, l => l.Contains("ERROR", StringComparison.Ordinal)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task InACluster_TheServiceAccountsTokenAndCa_ReachTheApiServerOverHttps()
    {
        // The API server as a pod reaches it: HTTPS at KUBERNETES_SERVICE_HOST:PORT, its certificate (the stack's, for
        // 127.0.0.1) checked against the mounted ca.crt, the mounted token as bearer.
        var tls = Path.Join(stack["MAILSTACK_DIR"], "tls");
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Join(tls, "server.pem"), Path.Join(tls, "server.key"));
        await using var cluster = await KubernetesApiStandIn.StartAsync(certificate);
        var account = Directory.CreateTempSubdirectory("serviceaccount-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Join(account, "token"), KubernetesApiStandIn.Token);
            File.Copy(stack.CaFile, Path.Join(account, "ca.crt"));
            await File.WriteAllTextAsync(Path.Join(account, "namespace"), KubernetesApiStandIn.Namespace);
            var environment = Environment();
            environment.Remove("Kubernetes__Kubeconfig");
            environment["KUBERNETES_SERVICE_HOST"] = "127.0.0.1";
            environment["KUBERNETES_SERVICE_PORT"] = cluster.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["Retention__MaxDeletePercent"] = "0";
            await RetentionMailbox.ResetAsync(stack);
            // The service account where Kubernetes mounts it, in a mount namespace of the worker's own: a tmpfs over
            // /run there (/var/run is a link to it), so nothing on this machine changes.
            string[] inPod = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io && cp -r \"$0\" /run/secrets/kubernetes.io/serviceaccount && exec \"$@\"", account];

            var run = await WorkerProcess.RunAsync("spam-retention", environment, launcher: inPod);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("Running commands in pod mail/mailserver-0", run.Output, StringComparison.Ordinal);
            Assert.NotEmpty(cluster.Commands);
            Assert.Empty(api.Commands);
        }
        finally
        {
            Directory.Delete(account, recursive: true);
        }
    }

    [Fact]
    public async Task StreamCutDuringTheExpunge_FailsTheRun_ButTheCountsMatchWhatIsReallyGone()
    {
        var sample = CorpusSample.Take(every: 50, DateTimeOffset.UtcNow);
        await RetentionMailbox.ResetAsync(stack);
        await RetentionMailbox.LoadAsync(stack, sample.Messages);
        api.CutStreamOn = command => command.Contains(" expunge ", StringComparison.Ordinal);

        var run = await RetentionEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("the stream ended without the command's exit status", run.Output);
        var remaining = await RetentionMailbox.RemainingAsync(stack);
        var gone = sample.Messages.Count - remaining.Count;
        Assert.True(gone > 0, "the cut came after doveadm had expunged");
        Assert.Equal(gone, RetentionEnvironment.Metric(run, "spam_retention_auto_deleted_messages") + RetentionEnvironment.Metric(run, "spam_retention_human_deleted_messages"));
        Assert.Equal(remaining.Count, RetentionEnvironment.Metric(run, "spam_retention_kept_messages"));
        Assert.Equal(1, RetentionEnvironment.Metric(run, "spam_retention_errors"));
        Assert.DoesNotContain("last_success", run.Output);
    }

    [Fact]
    public async Task NoPodMatchingTheSelector_FailsTheRun_DeletingNothing()
    {
        var environment = Environment();
        environment["Kubernetes__LabelSelector"] = "app=nothing";

        var run = await RetentionEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("no running pod in namespace mail matches app=nothing (0 pod(s) listed)", run.Output);
    }

    [Fact]
    public async Task KubernetesRunner_WithoutItsKeys_IsAConfigurationError()
    {
        var environment = Environment();
        environment.Remove("Kubernetes__Namespace");

        var run = await RetentionEnvironment.RunAsync(environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("spam-retention: configuration invalid: Kubernetes__Namespace: required when commands run in the mail server's pod", Assert.Single(run.Lines));
    }
}
