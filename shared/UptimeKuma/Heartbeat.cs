namespace MailserverWorkers.Shared.UptimeKuma;

/// <summary>What a worker tells its Uptime Kuma push monitor: up or down, one line, and how long the run took.</summary>
/// <param name="Up">Whether the run did its job.</param>
/// <param name="Message">The line Kuma shows (cut to 250 characters).</param>
/// <param name="Took">The run's duration, sent as ping.</param>
public sealed record Heartbeat(bool Up, string Message, TimeSpan Took);
