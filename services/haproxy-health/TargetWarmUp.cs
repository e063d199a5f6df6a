using System.Net;

namespace MailserverWorkers.HaproxyHealth;

/// <summary>What a target's warm-up found: its addresses (null when unresolved), and whether it answered in time.</summary>
public sealed record TargetWarmUp(IPAddress[]? Addresses, bool Answered);
