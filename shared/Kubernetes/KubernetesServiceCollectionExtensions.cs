using k8s;
using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.Shared.Kubernetes;

/// <summary>Registers the command runners.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LocalCommandRunner"/>, <see cref="KubernetesExecCommandRunner"/> and the Kubernetes client
    /// they need; the client is made only when first used (kubeconfig file, else in-cluster, else <c>~/.kube/config</c>).
    /// </summary>
    public static IServiceCollection AddCommandRunners(this IServiceCollection services)
    {
        services.AddWorkerOptions<KubernetesOptions>(KubernetesOptions.SectionName, static (section, options) => section.Bind(options));
        services.AddSingleton<LocalCommandRunner>();
        services.AddSingleton<IKubernetes>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<KubernetesOptions>>().Value;
            var config = !string.IsNullOrEmpty(settings.Kubeconfig) ? KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.Kubeconfig)
                : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(UsersKubeconfig());
            config.HttpClientTimeout = settings.Timeout;
            return new k8s.Kubernetes(config);
        });
        services.AddSingleton<KubernetesExecCommandRunner>();
        return services;
    }

    /// <summary>The runner a <see cref="CommandRunnerKind"/> names (both registered by <see cref="AddCommandRunners"/>).</summary>
    public static ICommandRunner CommandRunner(this IServiceProvider services, CommandRunnerKind kind) => kind == CommandRunnerKind.Kubernetes
        ? services.GetRequiredService<KubernetesExecCommandRunner>()
        : services.GetRequiredService<LocalCommandRunner>();

    /// <summary>
    /// As kubectl finds it: the first file of <c>KUBECONFIG</c>, else <c>~/.kube/config</c>. KubernetesClient 21's
    /// own default fails with an ArgumentException on an empty <c>KUBECONFIG</c>, and names no key when there is none.
    /// </summary>
    private static string UsersKubeconfig()
    {
        var path = Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } list
            ? list.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? ""
            : Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (!File.Exists(path))
        {
            throw new WorkerConfigurationException(
                $"{KubernetesOptions.SectionName}__Kubeconfig: not set, not in a cluster (no service account), and no kubeconfig at '{path}'");
        }

        ConfigurationFile.RequireRegular($"{KubernetesOptions.SectionName}__Kubeconfig (not set; the user's kubeconfig)", path);
        return path;
    }
}
