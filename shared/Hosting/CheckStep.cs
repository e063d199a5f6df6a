namespace MailserverWorkers.Shared.Hosting;

/// <summary>One thing <c>--check</c> proves: what it is (<c>SMTP submission at mail.example.com:587, logged in</c>) and the work that proves it.</summary>
public sealed record CheckStep(string What, Func<CancellationToken, Task> ProveAsync);
