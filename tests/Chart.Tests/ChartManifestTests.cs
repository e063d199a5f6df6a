using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MailserverWorkers.Chart.Tests;

/// <summary>
/// The chart rendered with each ci/*-values.yaml, every document parsed strictly into KubernetesClient's typed models
/// (an unknown field fails), and what matters asserted: no secret value in a CronJob, least-privilege RBAC, the
/// restricted security context, backup affinity and volumes, env names each worker really binds.
/// </summary>
public sealed class ChartManifestTests
{
    private static readonly JsonSerializerOptions Strict = new() { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
    private static readonly string[] SecretSuffixes = ["Password", "ApiKey", "Token", "PushUrl", "Secret"];

    public static TheoryData<string> ValuesFiles() => new(ChartRendering.CiValuesFiles().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void EveryDocument_ParsesStrictly_IntoItsTypedModel(string valuesFile)
    {
        var documents = Render(valuesFile);

        Assert.NotEmpty(documents);
        foreach (var document in documents.Where(d => d.Object is not null))
        {
            var json = ChartRendering.Json(document.Object!);
            object? parsed = document.Kind switch
            {
                "CronJob" => JsonSerializer.Deserialize<V1CronJob>(json, Strict),
                "Pod" => JsonSerializer.Deserialize<V1Pod>(json, Strict),
                "ServiceAccount" => JsonSerializer.Deserialize<V1ServiceAccount>(json, Strict),
                "Role" => JsonSerializer.Deserialize<V1Role>(json, Strict),
                "RoleBinding" => JsonSerializer.Deserialize<V1RoleBinding>(json, Strict),
                "ConfigMap" => JsonSerializer.Deserialize<V1ConfigMap>(json, Strict),
                "NetworkPolicy" => JsonSerializer.Deserialize<V1NetworkPolicy>(json, Strict),
                // Custom resources: no typed model in KubernetesClient; their own tests check them.
                "PrometheusRule" or "ExternalSecret" => document.Object,
                _ => throw new Xunit.Sdk.XunitException($"{document.Source}: unexpected kind '{document.Kind}'"),
            };
            Assert.NotNull(parsed);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void NoCronJob_CarriesASecretValue(string valuesFile)
    {
        foreach (var cronJob in CronJobs(valuesFile))
        {
            foreach (var env in Container(cronJob).Env)
            {
                if (SecretSuffixes.Any(s => env.Name.EndsWith(s, StringComparison.Ordinal)))
                {
                    Assert.True(env.Value is null && env.ValueFrom?.SecretKeyRef is not null, $"{cronJob.Metadata.Name}: {env.Name} must come from a Secret");
                }

                if (SecretSuffixes.Any(s => env.Name.EndsWith(s + "File", StringComparison.Ordinal)))
                {
                    Assert.StartsWith("/var/run/secrets/mailserver-workers/", env.Value, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void ASecretPutInConfig_FailsTheRender_InsteadOfLeakingIt()
    {
        var bad = ChartRendering.ValuesFile("roundtripProbe:\n  config:\n    Smtp__Password: hunter2\n");
        try
        {
            var e = Assert.Throws<ChartRenderException>(() => ChartRendering.Render(Ci("minimal-values.yaml"), bad));

            Assert.Contains("Smtp__Password is a secret: give it through existingSecret, secretEnv or secretFiles", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void HaproxyHealthWithoutTargets_FailsTheRender_RatherThanACronJobThatExits2()
    {
        var e = Assert.Throws<ChartRenderException>(() => ChartRendering.Render());

        Assert.Contains("haproxyHealth.targets: at least one target is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MailserverStats_ReadsItsSourcesInTheMailServersPod_EveryFiveMinutes_AndNeedsOneSource()
    {
        string Env(V1CronJob c, string name) => Container(c).Env.Single(e => e.Name == name).Value;
        var minimal = CronJobs("minimal-values.yaml").Single(c => c.Metadata.Name.EndsWith("-mailserver-stats", StringComparison.Ordinal));
        var full = CronJobs("full-values.yaml").Single(c => c.Metadata.Name.EndsWith("-mailserver-stats", StringComparison.Ordinal));
        var none = ChartRendering.ValuesFile(File.ReadAllText(Path.Join(ChartRendering.ChartDirectory, "ci", "minimal-values.yaml"))
            + "mailserverStats:\n  sources: {postfix: false, dovecot: false, rspamd: false}\n");
        try
        {
            var e = Assert.Throws<ChartRenderException>(() => ChartRendering.Render(none));

            Assert.Contains("mailserverStats.sources: at least one of postfix, dovecot, rspamd must be true", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(none);
        }

        // The defaults: the queue alone (docker-mailserver disables Dovecot's stats socket and may run without Rspamd).
        Assert.Equal("*/5 * * * *", minimal.Spec.Schedule);
        Assert.Equal(["true", "false", "false"], new[] { "Stats__Postfix", "Stats__Dovecot", "Stats__Rspamd" }.Select(k => Env(minimal, k)));
        Assert.Equal("kubernetes", Env(minimal, "Stats__Runner"));
        Assert.Equal(["true", "true", "true"], new[] { "Stats__Postfix", "Stats__Dovecot", "Stats__Rspamd" }.Select(k => Env(full, k)));
        Assert.Equal("*/2 * * * *", full.Spec.Schedule);
        Assert.Equal("20", Env(full, "Stats__TopDomains"));
        Assert.Equal("mail", Env(full, "Kubernetes__Namespace"));
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void EveryEnvName_IsOneTheWorkerBinds(string valuesFile)
    {
        foreach (var cronJob in CronJobs(valuesFile))
        {
            var worker = cronJob.Metadata.Labels["app.kubernetes.io/component"];
            foreach (var env in Container(cronJob).Env)
            {
                Assert.True(WorkerContracts.Binds(worker, env.Name), $"{cronJob.Metadata.Name}: {worker} has no configuration key {env.Name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Rbac_IsLeastPrivilege_InTheMailNamespaceOnly(string valuesFile)
    {
        var documents = Render(valuesFile);
        var roles = documents.Where(d => d.Kind == "Role").Select(d => Parse<V1Role>(d)).ToList();
        var cronJobs = CronJobs(valuesFile);
        var mailNamespace = valuesFile == "minimal-values.yaml" ? "monitoring" : "mail";

        Assert.All(roles, r => Assert.Equal(mailNamespace, r.Metadata.NamespaceProperty));
        var retention = roles.Single(r => r.Metadata.Name.EndsWith("-spam-retention", StringComparison.Ordinal));
        Assert.Equal(["pods/exec: create,get", "pods: get,list"], Rules(retention));
        var stats = roles.Single(r => r.Metadata.Name.EndsWith("-mailserver-stats", StringComparison.Ordinal));
        Assert.Equal(["pods/exec: create,get", "pods: get,list"], Rules(stats));
        var health = roles.SingleOrDefault(r => r.Metadata.Name.EndsWith("-haproxy-health", StringComparison.Ordinal));
        Assert.Equal(valuesFile == "full-values.yaml", health is not null);
        if (health is not null)
        {
            Assert.Equal(["pods/log: get", "pods: list"], Rules(health));
        }

        Assert.DoesNotContain(documents, d => d.Kind is "ClusterRole" or "ClusterRoleBinding");
        foreach (var cronJob in cronJobs)
        {
            var pod = cronJob.Spec.JobTemplate.Spec.Template.Spec;
            var worker = cronJob.Metadata.Labels["app.kubernetes.io/component"];
            var mayUseApi = worker is "spam-retention" or "mailserver-stats" || (worker == "haproxy-health" && health is not null);
            Assert.Equal(mayUseApi, pod.AutomountServiceAccountToken);
            Assert.Equal(mayUseApi, pod.ServiceAccountName is not null);
        }
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void PodSecurity_IsRestricted_AndBackupRunnerHasOnlyTheCapabilitiesItNeeds(string valuesFile)
    {
        foreach (var cronJob in CronJobs(valuesFile))
        {
            var pod = cronJob.Spec.JobTemplate.Spec.Template.Spec;
            var container = Container(cronJob);
            var worker = cronJob.Metadata.Labels["app.kubernetes.io/component"];
            Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
            Assert.Contains(container.VolumeMounts, m => m.MountPath == "/tmp");
            Assert.Contains(pod.Volumes, v => v.Name == "tmp" && v.EmptyDir is not null);
            Assert.Equal("Forbid", cronJob.Spec.ConcurrencyPolicy);
            Assert.Equal("Never", pod.RestartPolicy);
            Assert.NotNull(cronJob.Spec.JobTemplate.Spec.ActiveDeadlineSeconds);
            if (worker == "backup-runner")
            {
                Assert.Equal(0, pod.SecurityContext.RunAsUser);
                Assert.Equal(["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID"], container.SecurityContext.Capabilities.Add);
            }
            else
            {
                Assert.True(pod.SecurityContext.RunAsNonRoot);
                Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
                Assert.Null(container.SecurityContext.Capabilities.Add);
            }
        }
    }

    [Fact]
    public void BackupJobs_MountTheirSourcesReadOnly_OnTheNodeOfThePodThatHoldsThem()
    {
        var backups = CronJobs("full-values.yaml").Where(c => c.Metadata.Labels["app.kubernetes.io/component"] == "backup-runner").ToList();

        Assert.Equal(["mail-workers-backup-mailserver", "mail-workers-backup-roundcube"], backups.Select(b => b.Metadata.Name));
        Assert.Equal(["0 3 * * *", "10 3 * * *"], backups.Select(b => b.Spec.Schedule));
        var roundcube = backups[1];
        var pod = roundcube.Spec.JobTemplate.Spec.Template.Spec;
        var term = Assert.Single(pod.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
        Assert.Equal(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "roundcube" }, term.LabelSelector.MatchLabels);
        Assert.Equal(["roundcube-enigma", "roundcube-html"], pod.Volumes.Where(v => v.PersistentVolumeClaim is not null).Select(v => v.PersistentVolumeClaim.ClaimName).Order(StringComparer.Ordinal));
        Assert.All(pod.Volumes.Where(v => v.PersistentVolumeClaim is not null), v => Assert.True(v.PersistentVolumeClaim.ReadOnlyProperty));
        Assert.Equal(("nas.example.com", "/export/backups/roundcube"), pod.Volumes.Single(v => v.Name == "backup").Nfs is { } nfs ? (nfs.Server, nfs.Path) : default);
        var env = Container(roundcube).Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("/sources/html", env["Backup__Sources__html"]);
        Assert.Equal("/backup", env["Backup__Destination"]);
        Assert.Equal("roundcube", env["Backup__Name"]);
        Assert.All(Container(roundcube).VolumeMounts.Where(m => m.MountPath.StartsWith("/sources/", StringComparison.Ordinal)), m => Assert.True(m.ReadOnlyProperty));
        var mailserverMounts = Container(backups[0]).VolumeMounts;
        Assert.Equal("opendkim", mailserverMounts.Single(m => m.MountPath == "/sources/config").SubPath);
    }

    [Fact]
    public void TheConventionalExtras_ReachThePodAsGiven_AndTheirDefaultsAddNothing()
    {
        var full = CronJobs("full-values.yaml");
        var probe = full.Single(c => c.Metadata.Name == "mail-workers-roundtrip-probe");
        var pod = probe.Spec.JobTemplate.Spec.Template;
        var container = Container(probe);

        Assert.Equal("monitoring", pod.Metadata.Labels["example.com/tier"]);
        Assert.Equal("mail-monitoring", pod.Spec.PriorityClassName);
        Assert.Equal("password", container.Env.Single(e => e.Name == "Pushgateway__Password").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("spec.nodeName", container.Env.Single(e => e.Name == "Pushgateway__Labels__node").ValueFrom.FieldRef.FieldPath);
        Assert.Equal("corporate-ca", pod.Spec.Volumes.Single(v => v.Name == "extra-ca").ConfigMap.Name);
        Assert.Equal("/etc/corporate-ca", container.VolumeMounts.Single(m => m.Name == "extra-ca").MountPath);
        Assert.False(probe.Spec.Suspend);
        Assert.True(full.Single(c => c.Metadata.Name == "mail-workers-backup-roundcube").Spec.Suspend);
        Assert.False(full.Single(c => c.Metadata.Name == "mail-workers-backup-mailserver").Spec.Suspend);
        var accounts = Render("full-values.yaml").Where(d => d.Kind == "ServiceAccount").Select(d => Parse<V1ServiceAccount>(d)).ToList();
        Assert.NotEmpty(accounts);
        Assert.All(accounts, a => Assert.Equal("mail-workers", a.Metadata.Annotations["iam.example.com/role"]));

        var minimal = CronJobs("minimal-values.yaml");
        Assert.All(minimal, c => Assert.Null(c.Spec.JobTemplate.Spec.Template.Spec.PriorityClassName));
        Assert.All(minimal, c => Assert.DoesNotContain(c.Spec.JobTemplate.Spec.Template.Spec.Volumes, v => v.Name == "extra-ca"));
    }

    [Fact]
    public void NetworkPolicies_SelectEachWorkersPods_NoIngress_EgressToDnsAndWhatIsListed_AndOnlyWhenEnabled()
    {
        var documents = Render("full-values.yaml");
        var policies = documents.Where(d => d.Kind == "NetworkPolicy").Select(d => Parse<V1NetworkPolicy>(d)).ToDictionary(p => p.Metadata.Name);
        // The labels of every pod the chart makes: each run's (the CronJob's template) and each helm test's.
        var pods = documents.Where(d => d.Kind == "Pod").Select(d => Parse<V1Pod>(d).Metadata.Labels)
            .Concat(documents.Where(d => d.Kind == "CronJob").Select(d => Parse<V1CronJob>(d).Spec.JobTemplate.Spec.Template.Metadata.Labels))
            .ToList();

        Assert.Equal(["mail-workers-backup-runner", "mail-workers-haproxy-health", "mail-workers-mailserver-stats", "mail-workers-roundtrip-probe", "mail-workers-spam-retention"], policies.Keys.Order(StringComparer.Ordinal));
        // Every run's pod and every helm test pod is selected by exactly one policy, its worker's.
        Assert.NotEmpty(pods);
        foreach (var pod in pods)
        {
            var selecting = policies.Values.Where(p => p.Spec.PodSelector.MatchLabels.All(l => pod.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
            var policy = Assert.Single(selecting);
            Assert.Equal(pod["app.kubernetes.io/component"], policy.Spec.PodSelector.MatchLabels["app.kubernetes.io/component"]);
        }

        foreach (var policy in policies.Values)
        {
            Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
            Assert.Null(policy.Spec.Ingress);
            var dns = policy.Spec.Egress[0];
            Assert.Equal("kube-dns", Assert.Single(dns.To).PodSelector.MatchLabels["k8s-app"]);
            Assert.Equal([("UDP", "53"), ("TCP", "53")], dns.Ports.Select(p => (p.Protocol, p.Port.Value)));
            Assert.Equal("9091", Assert.Single(policy.Spec.Egress[1].Ports).Port.Value);
        }

        // The worker's own rule goes to its policy alone.
        Assert.Equal("10.96.0.1/32", Assert.Single(policies["mail-workers-spam-retention"].Spec.Egress[2].To).IpBlock.Cidr);
        Assert.All(policies.Values.Where(p => p.Metadata.Name != "mail-workers-spam-retention"), p => Assert.Equal(2, p.Spec.Egress.Count));
        Assert.DoesNotContain(Render("minimal-values.yaml"), d => d.Kind == "NetworkPolicy");
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void EveryCronJob_HasAHelmTestPod_ItsOwnPodWithCheck(string valuesFile)
    {
        var documents = Render(valuesFile);
        var cronJobs = documents.Where(d => d.Kind == "CronJob").Select(d => Parse<V1CronJob>(d)).ToList();
        var pods = documents.Where(d => d.Kind == "Pod").Select(d => Parse<V1Pod>(d)).ToDictionary(p => p.Metadata.Name);

        Assert.NotEmpty(cronJobs);
        Assert.Equal(cronJobs.Count, pods.Count);
        foreach (var cronJob in cronJobs)
        {
            var pod = pods[cronJob.Metadata.Name + "-check"];
            Assert.Equal("test", pod.Metadata.Annotations["helm.sh/hook"]);
            Assert.Equal("before-hook-creation,hook-succeeded", pod.Metadata.Annotations["helm.sh/hook-delete-policy"]);
            Assert.Equal(["--check"], Assert.Single(pod.Spec.Containers).Args);
            // Apart from the argument, the very pod a run gets: image, environment, secrets, volumes, security, placement.
            var run = cronJob.Spec.JobTemplate.Spec.Template.Spec;
            Assert.Null(Container(cronJob).Args);
            var podSpec = JsonSerializer.SerializeToNode(pod.Spec)!.AsObject();
            podSpec["containers"]![0]!["args"] = null;
            Assert.Equal(JsonSerializer.SerializeToNode(run)!.ToJsonString(), podSpec.ToJsonString());
        }
    }

    [Fact]
    public void HelmTestDisabled_RendersNoPod()
    {
        var off = ChartRendering.ValuesFile("helmTest: {enabled: false}\n");
        try
        {
            Assert.DoesNotContain(ChartRendering.Render(Ci("full-values.yaml"), off), d => d.Kind == "Pod");
        }
        finally
        {
            File.Delete(off);
        }
    }

    [Fact]
    public void ASecretGivenAsAnExtraEnvValue_FailsTheRender()
    {
        var bad = ChartRendering.ValuesFile("roundtripProbe:\n  extraEnv:\n    - {name: Smtp__Password, value: hunter2}\n");
        try
        {
            var e = Assert.Throws<ChartRenderException>(() => ChartRendering.Render(Ci("minimal-values.yaml"), bad));

            Assert.Contains("extraEnv Smtp__Password is a secret: give it with valueFrom (a secretKeyRef), never as a value", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Images_ArePinnedByDigest_WhereGiven_ElseTaggedWithTheAppVersion()
    {
        var full = CronJobs("full-values.yaml").ToDictionary(c => c.Metadata.Labels["app.kubernetes.io/component"] + "/" + c.Metadata.Name, c => Container(c).Image);
        var minimal = CronJobs("minimal-values.yaml").Select(c => Container(c).Image).ToList();

        Assert.Equal("registry.example.com/mailserver-workers/roundtrip-probe@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945", full["roundtrip-probe/mail-workers-roundtrip-probe"]);
        Assert.Equal("registry.example.com/mailserver-workers/haproxy-health:0.1.0", full["haproxy-health/mail-workers-haproxy-health"]);
        Assert.Contains("ghcr.io/mailserver-workers/spam-retention:0.1.0", minimal);
    }

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void Notes_SayHowToRunEachJobOnce_AndWhereTheMetricsGo(string valuesFile)
    {
        var documents = Render(valuesFile);
        var notes = documents.Single(d => d.Source.EndsWith("NOTES.txt", StringComparison.Ordinal)).Text!;

        foreach (var cronJob in documents.Where(d => d.Kind == "CronJob"))
        {
            Assert.Contains($"kubectl -n monitoring create job --from=cronjob/{cronJob.Name} ", notes, StringComparison.Ordinal);
        }

        Assert.Contains(valuesFile == "minimal-values.yaml" ? "not pushed" : "honor_labels: true", notes, StringComparison.Ordinal);
        Assert.Contains("helm test mw -n monitoring --logs", notes, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExternalSecret_MakesTheSecretTheWorkersReference()
    {
        var external = Render("full-values.yaml").Single(d => d.Kind == "ExternalSecret").Object!;

        Assert.Equal("external-secrets.io/v1beta1", external["apiVersion"]!.GetValue<string>());
        Assert.Equal("brevo", external["spec"]!["target"]!["name"]!.GetValue<string>());
        Assert.Equal("vault", external["spec"]!["secretStoreRef"]!["name"]!.GetValue<string>());
    }

    // Probe__Deadline + 4 x Imap__Timeout + the push and the heartbeat (3 x 10 s + 1.25 s and 2.5 s, each rounded
    // up: 35 s each) + 60 s.
    [Theory]
    [InlineData("", 470)]
    [InlineData("roundtripProbe:\n  config:\n    Probe__Deadline: \"00:00:30\"\n", 200)]
    [InlineData("roundtripProbe:\n  config:\n    Probe__Deadline: \"00:10:00\"\n    Imap__Timeout: \"00:00:05\"\n    Pushgateway__Attempts: \"1\"\n", 725)]
    [InlineData("roundtripProbe:\n  activeDeadlineSeconds: 900\n", 900)]
    public void TheProbesDeadline_IsDerivedFromItsOwnBounds_OrAtLeastThem(string values, int expected)
    {
        var file = ChartRendering.ValuesFile(values);
        try
        {
            var probe = ChartRendering.Render(Ci("minimal-values.yaml"), file).Where(d => d.Kind == "CronJob").Select(Parse<V1CronJob>)
                .Single(c => c.Metadata.Name.EndsWith("-roundtrip-probe", StringComparison.Ordinal));

            Assert.Equal(expected, probe.Spec.JobTemplate.Spec.ActiveDeadlineSeconds);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AProbeDeadlineShorterThanTheProbesOwnBound_FailsTheRender_NamingBoth()
    {
        var file = ChartRendering.ValuesFile("roundtripProbe:\n  activeDeadlineSeconds: 240\n");
        try
        {
            var e = Assert.Throws<ChartRenderException>(() => ChartRendering.Render(Ci("minimal-values.yaml"), file));

            Assert.Contains("roundtripProbe.activeDeadlineSeconds=240 is shorter than the probe's own bound of 470 s (Probe__Deadline=00:05:00", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static IReadOnlyList<RenderedDocument> Render(string valuesFile) => ChartRendering.Render(Ci(valuesFile));

    private static string Ci(string valuesFile) => Path.Join(ChartRendering.ChartDirectory, "ci", valuesFile);

    private static List<V1CronJob> CronJobs(string valuesFile) => Render(valuesFile).Where(d => d.Kind == "CronJob").Select(d => Parse<V1CronJob>(d)).ToList();

    private static T Parse<T>(RenderedDocument document) => JsonSerializer.Deserialize<T>(ChartRendering.Json(document.Object!), Strict)!;

    private static V1Container Container(V1CronJob cronJob) => Assert.Single(cronJob.Spec.JobTemplate.Spec.Template.Spec.Containers);

    private static List<string> Rules(V1Role role) =>
        role.Rules.SelectMany(r => r.Resources.Select(resource => $"{resource}: {string.Join(',', r.Verbs)}")).Order(StringComparer.Ordinal).ToList();
}
