using k8s;
using MailserverWorkers.Shared.Commands;
using MailserverWorkers.Shared.Configuration;
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
        services.AddWorkerOptions<KubernetesOptions>(KubernetesOptions.SectionName);
        services.AddSingleton<LocalCommandRunner>();
        services.AddSingleton<IKubernetes>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<KubernetesOptions>>().Value;
            var config = !string.IsNullOrEmpty(settings.Kubeconfig) ? KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.Kubeconfig)
                : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildDefaultConfig();
            config.HttpClientTimeout = settings.Timeout;
            return new k8s.Kubernetes(config);
        });
        services.AddSingleton<KubernetesExecCommandRunner>();
        return services;
    }
}
