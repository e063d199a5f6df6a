namespace MailserverWorkers.Chart.Tests;

/// <summary>The contract check itself must refuse what a worker does not bind, or the chart test proves nothing.</summary>
public sealed class WorkerContractsTests
{
    [Theory]
    [InlineData("roundtrip-probe", "Probe__From", true)]
    [InlineData("roundtrip-probe", "Smtp__PasswordFile", true)]
    [InlineData("roundtrip-probe", "Pushgateway__Labels__instance", true)]
    [InlineData("roundtrip-probe", "Probe__Fromm", false)]
    [InlineData("roundtrip-probe", "Retention__User", false)]
    [InlineData("roundtrip-probe", "Probe__FromFile", false)]
    [InlineData("backup-runner", "Backup__Sources__data", true)]
    [InlineData("backup-runner", "Backup__Sources", false)]
    [InlineData("backup-runner", "Backup__Keep__x", false)]
    [InlineData("haproxy-health", "Targets__smtp__MinSuccessRatio", true)]
    [InlineData("haproxy-health", "Targets__smtp__Hots", false)]
    [InlineData("haproxy-health", "Targets__Host", false)]
    [InlineData("haproxy-health", "HAProxy__PasswordFile", true)]
    [InlineData("spam-retention", "Kubernetes__LabelSelector", true)]
    public void Binds_OnlyWhatTheOptionsClassesHave(string worker, string name, bool binds) =>
        Assert.Equal(binds, WorkerContracts.Binds(worker, name));
}
