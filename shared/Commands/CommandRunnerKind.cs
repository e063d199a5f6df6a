namespace MailserverWorkers.Shared.Commands;

/// <summary>Where a worker runs the mail server's own tools (doveadm, postqueue, rspamc): here, or in the mail server's pod.</summary>
public enum CommandRunnerKind
{
    /// <summary><see cref="LocalCommandRunner"/>: the tool beside the worker.</summary>
    Local,

    /// <summary><see cref="Kubernetes.KubernetesExecCommandRunner"/>: exec into the mail server's pod.</summary>
    Kubernetes,
}
