using MailserverWorkers.Testing;

namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>
/// The three backends against the real Dovecot on one mailbox: the SpamAssassin corpus as shipped (every file starts
/// with its mbox envelope line) and the hostile set. Every message gets the same decision from each backend, and each
/// hostile message the one the policy table states.
/// </summary>
[Collection(RetentionMailboxCollection.Name)]
public sealed class BackendParityTests
{
    private static readonly double[] CorpusAges = [2, 10, 13.5, 15, 45, 89, 91, 400];
    private readonly MailStack stack = MailStack.Instance;

    [Fact]
    public async Task EveryBackend_DecidesEveryMessageAlike_TheCorpusAsShipped_AndTheHostileSet()
    {
        await RetentionMailbox.ResetAsync(stack);
        var cur = RetentionMaildir.Cur(stack);
        var now = DateTimeOffset.UtcNow;
        var written = new List<string>();
        try
        {
            var i = 0;
            foreach (var file in Directory.EnumerateFiles(SpamCorpus.Directory, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                written.Add(await RetentionMaildir.WriteAsync(cur, $"corpus{i:D5}", await File.ReadAllBytesAsync(file), now.AddDays(-CorpusAges[i % CorpusAges.Length])));
                i++;
            }

            foreach (var (name, raw, age, _) in HostileMessages.All)
            {
                written.Add(await RetentionMaildir.WriteAsync(cur, name, raw, now.AddDays(-age)));
            }

            await RetentionMaildir.ChownAsync(RetentionMaildir.Root(stack));
            // Root's own, mode 000: neither Dovecot (vmail) nor the maildir backend run as vmail can read it.
            var unreadable = Path.Combine(cur, RetentionMaildir.FileName(HostileMessages.Unreadable));
            await RetentionMaildir.RunAsync("chown", "root:root", unreadable);
            File.SetUnixFileMode(unreadable, UnixFileMode.None);
            Assert.True(i > 6000, $"the corpus as shipped: {i} files");
            Assert.True(File.ReadAllBytes(written[0]).AsSpan().StartsWith("From "u8), "corpus files keep their envelope line");

            var decisions = new Dictionary<string, Dictionary<string, string>>();
            foreach (var backend in (string[])["dovecot", "imap", "maildir"])
            {
                var environment = RetentionEnvironment.For(stack, backend);
                environment["Retention__MaxDeletePercent"] = "100";
                environment["Retention__MaxDelete"] = "1000000";
                var run = await WorkerProcess.RunAsync("spam-retention", environment, ["--dry-run"], TimeSpan.FromMinutes(5), launcher: backend == "maildir" ? WorkerProcess.As(RetentionMaildir.Vmail) : null);
                Assert.True(run.ExitCode == 0, run.ToString()[..Math.Min(4000, run.Output.Length)]);
                Assert.Equal(written.Count, RetentionEnvironment.Metric(run, "spam_retention_scanned_messages"));
                Assert.Equal(3, RetentionEnvironment.Metric(run, "spam_retention_errors"));
                decisions[backend] = RetentionMaildir.Decisions(run, RetentionMaildir.Namer(await RetentionMaildir.GuidsByUidAsync(stack)));
            }

            foreach (var (name, _, _, expected) in HostileMessages.All)
            {
                foreach (var (backend, decided) in decisions)
                {
                    Assert.True(decided.GetValueOrDefault(name, "keep") == expected, $"{name} ({backend}): {decided.GetValueOrDefault(name, "keep")}, expected {expected}");
                }
            }

            var differences = decisions["dovecot"].Keys.Union(decisions["imap"].Keys).Union(decisions["maildir"].Keys)
                .Where(n => decisions.Values.Select(d => d.GetValueOrDefault(n, "keep")).Distinct().Count() > 1)
                .Select(n => $"{n}: " + string.Join(", ", decisions.Select(d => $"{d.Key} {d.Value.GetValueOrDefault(n, "keep")}")))
                .ToList();
            Assert.True(differences.Count == 0, string.Join("\n", differences.Take(20)));
            Assert.True(decisions["dovecot"].Values.Count(v => v == "delete automated") > 1000, "the corpus exercises the automated rule");
            Assert.True(decisions["dovecot"].Values.Count(v => v == "delete human") > 500, "and the human one");
        }
        finally
        {
            written.ForEach(File.Delete);
            await RetentionMailbox.ResetAsync(stack);
        }
    }
}
