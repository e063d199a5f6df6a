using Microsoft.Extensions.Options;

namespace MailserverWorkers.MailserverStats;

/// <summary>Postfix's queue from <c>postqueue -j</c>: messages, bytes and the oldest message per queue; deferred recipients by domain and status.</summary>
public sealed class PostfixQueueSource(SourceCommand command, IOptions<StatsOptions> options, TimeProvider time) : IStatsSource
{
    public string Name => "postfix";

    public async Task<StatsReading> ReadAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<string> argv = [settings.PostqueuePath];
        if (!string.IsNullOrEmpty(settings.PostfixConfigDirectory))
        {
            argv.AddRange(["-c", settings.PostfixConfigDirectory]);
        }

        argv.Add("-j");
        var figures = await command.RunAsync(argv, PostqueueReader.ReadAsync, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var reading = new StatsReading();
        var messages = reading.Family("mailserver_postfix_queue_messages", "Messages in the Postfix queue.", false, "queue");
        var bytes = reading.Family("mailserver_postfix_queue_size_bytes", "Size of the messages in the Postfix queue (message_size).", false, "queue");
        var oldest = reading.Family("mailserver_postfix_queue_oldest_message_age_seconds",
            "Age of the oldest message in the Postfix queue (its arrival_time to this run, 0 when empty or when the server's clock is ahead).", false, "queue");
        foreach (var (queue, totals) in figures.ByQueue.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            messages.Add(totals.Messages, queue);
            bytes.Add(totals.Bytes, queue);
            oldest.Add(totals.Messages == 0 ? 0 : Math.Max(0, now - totals.OldestArrival), queue);
        }

        var byDomain = reading.Family("mailserver_postfix_deferred_recipients",
            "Recipients waiting in the deferred queue, by recipient domain (the Stats__TopDomains largest, the rest as other).", false, "domain");
        foreach (var (domain, count) in QueueFigures.Top(figures.DeferredByDomain, settings.TopDomains))
        {
            byDomain.Add(count, domain);
        }

        var byStatus = reading.Family("mailserver_postfix_deferred_recipients_by_status",
            "Recipients waiting in the deferred queue, by the status code of their delay reason (4.4.1; the Stats__TopReasons largest, the rest as other).", false, "status");
        foreach (var (status, count) in QueueFigures.Top(figures.DeferredByStatus, settings.TopReasons))
        {
            byStatus.Add(count, status);
        }

        var deferred = figures.ByQueue["deferred"];
        reading.Summary = $"{figures.Messages} messages queued, {deferred.Messages} deferred"
            + (deferred.Messages > 0 ? $" (oldest {TimeSpan.FromSeconds(Math.Max(0, now - deferred.OldestArrival)):g})" : "")
            + $", {figures.ByQueue["hold"].Messages} held";
        return reading;
    }
}
