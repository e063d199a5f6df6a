using MailserverWorkers.Testing;
using MimeKit;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>
/// A fixed sample of the SpamAssassin corpus with chosen received times, and what must remain after one run, decided
/// by an independent oracle: MimeKit's own header parser and the rules as the issue states them.
/// </summary>
internal sealed record CorpusSample(IReadOnlyList<(int Id, byte[] Raw, DateTimeOffset Received)> Messages, HashSet<int> Remaining, int Automated, int AutoDoomed, int HumanDoomed)
{
    private static readonly double[] AgesInDays = [2, 10, 13.5, 15, 45, 89, 91, 400];

    public static CorpusSample Take(int every, DateTimeOffset now)
    {
        var messages = new List<(int, byte[], DateTimeOffset)>();
        var remaining = new HashSet<int>();
        int automated = 0, autoDoomed = 0, humanDoomed = 0, i = 0;
        foreach (var (_, raw) in SpamCorpus.Messages())
        {
            if (i++ % every != 0)
            {
                continue;
            }

            var id = messages.Count;
            var age = TimeSpan.FromDays(AgesInDays[id % AgesInDays.Length]);
            messages.Add((id, raw, now - age));
            var isAutomated = IsAutomated(HeaderList.Load(new MemoryStream(raw)));
            automated += isAutomated ? 1 : 0;
            if (isAutomated && age > TimeSpan.FromDays(14))
            {
                autoDoomed++;
            }
            else if (!isAutomated && age > TimeSpan.FromDays(90))
            {
                humanDoomed++;
            }
            else
            {
                remaining.Add(id);
            }
        }

        return new CorpusSample(messages, remaining, automated, autoDoomed, humanDoomed);
    }

    private static bool IsAutomated(HeaderList headers)
    {
        static string Token(string v) => v.Trim().Split([' ', '\t', ';', '('], 2)[0];
        return headers.Contains("List-Unsubscribe")
            || headers.Where(h => h.Field.Equals("Precedence", StringComparison.OrdinalIgnoreCase))
                .Any(h => Token(h.Value).ToLowerInvariant() is "bulk" or "list" or "junk")
            || headers.Where(h => h.Field.Equals("Auto-Submitted", StringComparison.OrdinalIgnoreCase))
                .Any(h => !Token(h.Value).Equals("no", StringComparison.OrdinalIgnoreCase));
    }
}
