using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;

namespace MailserverWorkers.Shared.Kubernetes;

/// <summary>The <c>Kubernetes__*</c> keys: which pod a worker runs commands in, and how it reaches the API server.</summary>
public sealed class KubernetesOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Kubernetes";

    /// <summary>The mail server's namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>Selects the mail server's pod, e.g. <c>app=mailserver</c>; the first running pod (by name) is used.</summary>
    public string? LabelSelector { get; set; }

    /// <summary>The container to exec into (empty: the pod's only or default container).</summary>
    public string? Container { get; set; }

    /// <summary>A kubeconfig file; empty uses the in-cluster service account, else <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Limit of one API call, and of opening an exec stream (default 30 s). A running command is bounded by its caller.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A FIFO here would block the worker when the client is first made, with no bound.
        if (!string.IsNullOrEmpty(Kubeconfig) && ConfigurationFile.Problem(Kubeconfig) is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(Kubeconfig)]);
        }
    }

    /// <summary>The failures when a worker needs these keys (its runner is <c>kubernetes</c>).</summary>
    public IEnumerable<string> RequiredFailures()
    {
        if (string.IsNullOrWhiteSpace(Namespace))
        {
            yield return "Kubernetes__Namespace: required when commands run in the mail server's pod";
        }

        if (string.IsNullOrWhiteSpace(LabelSelector))
        {
            yield return "Kubernetes__LabelSelector: required when commands run in the mail server's pod";
        }
    }
}
