namespace MailserverWorkers.MailserverStats;

/// <summary>One row of <c>doveadm stats dump</c>: a metric (or one of its group_by sub-metrics) and one of its fields.</summary>
/// <param name="Name">metric_name: the metric's name, with its group_by values appended (<c>imap_command_SELECT_OK</c>).</param>
/// <param name="Field">The field (<c>duration</c>, in microseconds; or a field the metric's <c>fields</c> adds).</param>
/// <param name="Count">Events counted since the stats process started.</param>
/// <param name="Sum">The field's sum over those events.</param>
/// <param name="Median">The field's median.</param>
/// <param name="Percentile95">The field's 95th percentile (<c>%95</c>).</param>
public sealed record DovecotStatsRow(string Name, string Field, double Count, double Sum, double Median, double Percentile95);
