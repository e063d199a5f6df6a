namespace MailserverWorkers.HaproxyHealth;

/// <summary>One backend server as HAProxy's stats report it.</summary>
/// <param name="Status">UP, DOWN, "UP 1/3" (going down), MAINT, DRAIN, "no check", ...</param>
/// <param name="CheckStatus">The last health check's result (L4OK, L4TOUT, L4CON, L7STS, ...).</param>
/// <param name="CheckFailures">Failed checks since start (<c>chkfail</c>).</param>
public sealed record HaproxyServerStatus(string Backend, string Server, string Status, string CheckStatus, long CheckFailures)
{
    public bool Up => Status.StartsWith("UP", StringComparison.Ordinal) || Status is "no check" or "OPEN";

    public bool Down => Status.StartsWith("DOWN", StringComparison.Ordinal);

    /// <summary>Parses <c>show stat</c> / <c>;csv</c> output: the header line names the columns; frontends and backend totals are skipped.</summary>
    public static IReadOnlyList<HaproxyServerStatus> ParseCsv(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))
            ?? throw new FormatException("no header line ('# pxname,svname,...') in HAProxy's stats");
        // HAProxy ends the header with a ',' (an empty last name); a proxy or another version may repeat a name: the
        // first of each non-empty name counts, the rest are not read.
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, index) in header[2..].Split(',').Select((name, index) => (name.Trim(), index)).Where(c => c.Item1.Length > 0))
        {
            columns.TryAdd(name, index);
        }

        int Column(string name) => columns.TryGetValue(name, out var index) ? index : throw new FormatException($"HAProxy's stats have no '{name}' column");
        int backend = Column("pxname"), server = Column("svname"), status = Column("status"), check = Column("check_status"), failures = Column("chkfail");
        var servers = new List<HaproxyServerStatus>();
        foreach (var line in lines.Where(l => !l.StartsWith('#')))
        {
            var fields = line.Split(',');
            if (fields.Length <= Math.Max(Math.Max(backend, server), Math.Max(Math.Max(status, check), failures)) || fields[server] is "FRONTEND" or "BACKEND")
            {
                continue;
            }

            servers.Add(new HaproxyServerStatus(fields[backend], fields[server], fields[status], fields[check], long.TryParse(fields[failures], out var n) ? n : 0));
        }

        return servers;
    }
}
