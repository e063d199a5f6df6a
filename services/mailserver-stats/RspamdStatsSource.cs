using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MailserverWorkers.MailserverStats;

/// <summary>
/// Rspamd's counters from <c>rspamc -j stat</c> (its controller's <c>/stat</c>; from the pod itself no password is
/// needed, as the controller trusts its local address): scanned and learned messages, each action, spam and ham, and
/// the hashes of each fuzzy storage. Counts since Rspamd started (3.4 and 3.12 print the same keys).
/// </summary>
public sealed class RspamdStatsSource(SourceCommand command, IOptions<StatsOptions> options) : IStatsSource
{
    public const int MaxBytes = 4 << 20;

    public string Name => "rspamd";

    public async Task<StatsReading> ReadAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        List<string> argv = [settings.RspamcPath];
        if (!string.IsNullOrEmpty(settings.RspamdController))
        {
            argv.AddRange(["-h", settings.RspamdController]);
        }

        argv.AddRange(["-j", "stat"]);
        return await command.RunAsync(argv, ReadAsync, cancellationToken);
    }

    internal static async Task<StatsReading> ReadAsync(Stream output, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await BoundedOutput.ReadAsync(output, MaxBytes, "statistics", cancellationToken));
        return Build(document.RootElement);
    }

    internal static StatsReading Build(JsonElement stat)
    {
        if (stat.ValueKind != JsonValueKind.Object || !stat.TryGetProperty("scanned", out _))
        {
            // rspamc prints {"error": ...} or a bare message when the controller refuses it.
            throw new InvalidDataException(stat.ValueKind == JsonValueKind.Object && stat.TryGetProperty("error", out var error)
                ? $"Rspamd answered an error: {error}"
                : "statistics without scanned");
        }

        var reading = new StatsReading();
        foreach (var (key, name, help) in Counters)
        {
            reading.Family(name, help, true).Add(Number(stat, key));
        }

        var actions = reading.Family("mailserver_rspamd_actions_total", "Messages Rspamd gave each action (reject, add header, greylist, no action...) since it started.", true, "action");
        if (!stat.TryGetProperty("actions", out var byAction) || byAction.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("statistics without actions");
        }

        foreach (var action in byAction.EnumerateObject())
        {
            actions.Add(Number(byAction, action.Name), action.Name);
        }

        var fuzzy = reading.Family("mailserver_rspamd_fuzzy_hashes", "Hashes stored in each fuzzy storage Rspamd uses.", false, "storage");
        if (stat.TryGetProperty("fuzzy_hashes", out var storages) && storages.ValueKind == JsonValueKind.Object)
        {
            foreach (var storage in storages.EnumerateObject())
            {
                fuzzy.Add(Number(storages, storage.Name), storage.Name);
            }
        }

        if (stat.TryGetProperty("uptime", out _))
        {
            reading.Family("mailserver_rspamd_uptime_seconds", "Seconds since Rspamd started (its counters count from then).", false).Add(Number(stat, "uptime"));
        }

        reading.Summary = $"{Number(stat, "scanned")} scanned, {Number(stat, "spam_count")} spam, {Number(stat, "ham_count")} ham";
        return reading;
    }

    private static readonly (string Key, string Name, string Help)[] Counters =
    [
        ("scanned", "mailserver_rspamd_scanned_total", "Messages Rspamd scanned since it started."),
        ("learned", "mailserver_rspamd_learned_total", "Messages Rspamd learned (as spam or ham) since it started."),
        ("spam_count", "mailserver_rspamd_spam_total", "Messages Rspamd found to be spam (any action but no action) since it started."),
        ("ham_count", "mailserver_rspamd_ham_total", "Messages Rspamd found to be ham since it started."),
        ("connections", "mailserver_rspamd_connections_total", "Connections to Rspamd's workers since it started."),
        ("control_connections", "mailserver_rspamd_control_connections_total", "Connections to Rspamd's controller since it started."),
    ];

    private static double Number(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new InvalidDataException($"statistics whose {name} is not a number");
}
