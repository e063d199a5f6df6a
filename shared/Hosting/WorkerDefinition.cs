using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Pushgateway;
using MailserverWorkers.Shared.Tls;
using MailserverWorkers.Shared.UptimeKuma;

namespace MailserverWorkers.Shared.Hosting;

/// <summary>What the host knows of a worker: its name, what <c>--help</c> says, and how its runs are reported.</summary>
/// <param name="Name">The program name, as in the image (<c>roundtrip-probe</c>).</param>
/// <param name="Summary">One sentence: what a run does.</param>
/// <param name="Details">Its commands and exit codes, as printed by <c>--help</c> (the keys are generated from <paramref name="Sections"/>).</param>
/// <param name="MetricPrefix">Every metric of the worker starts with it (<c>email_roundtrip</c>); never a well-known exporter's namespace.</param>
/// <param name="PushJob">The Pushgateway job unless <c>Pushgateway__Job</c> or the run says otherwise.</param>
/// <param name="Sections">The worker's own options classes; <see cref="AllSections"/> adds those every worker has.</param>
public sealed record WorkerDefinition(string Name, string Summary, string Details, string MetricPrefix, string PushJob, IReadOnlyList<OptionsSection> Sections)
{
    /// <summary>The worker's own sections, then Pushgateway__*, UptimeKuma__* and Tls__* (every report goes over HTTP that honours Tls__CaFile).</summary>
    public IEnumerable<OptionsSection> AllSections => Sections.Concat(
    [
        new(PushgatewayOptions.SectionName, typeof(PushgatewayOptions)),
        new(UptimeKumaOptions.SectionName, typeof(UptimeKumaOptions)),
        new(TlsOptions.SectionName, typeof(TlsOptions)),
    ]);
}
