namespace MailserverWorkers.Testing.StandIns;

/// <summary>A pod as <see cref="KubernetesApiStandIn"/> lists it: its phase, whether it is being deleted, its containers.</summary>
public sealed record StandInPod(string Name, string Phase, bool Terminating = false, params string[] Containers)
{
    public string[] Containers { get; init; } = Containers.Length > 0 ? Containers : ["mailserver"];
}
