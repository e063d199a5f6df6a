using System.Text;

namespace MailserverWorkers.MailserverStats.Tests;

/// <summary>postqueue -j's lines as Postfix 3.7 prints them: summed as they stream by, and never a smaller count from output that is not whole.</summary>
public sealed class PostqueueReaderTests
{
    private const string Deferred = """{"queue_name": "deferred", "queue_id": "4ZbQ1x0Y2bz9vQ", "arrival_time": 1700000000, "message_size": 1200, "forced_expire": false, "sender": "probe@example.test", "recipients": [{"address": "a@Unreachable.Test", "delay_reason": "connect to 127.0.0.1[127.0.0.1]:2599: Connection refused"}, {"address": "b@other.example", "delay_reason": "host mx.other.example[10.4.5.6] said: 450 4.7.1 <b@other.example>: Recipient address rejected: greylisted (in reply to RCPT TO command)"}]}""";
    private const string Held = """{"queue_name": "hold", "queue_id": "4ZbQ1x0Y2bz9vR", "arrival_time": 1700000100, "message_size": 800, "forced_expire": false, "sender": "", "recipients": [{"address": "c@example.test"}]}""";
    private const string Active = """{"queue_name": "active", "queue_id": "4ZbQ1x0Y2bz9vS", "arrival_time": 1700000050, "message_size": 300, "forced_expire": false, "sender": "x@example.test", "recipients": [{"address": "d@example.test"}]}""";

    [Fact]
    public async Task Lines_AreSummedPerQueue_WithDeferredRecipientsByDomainAndStatus()
    {
        var figures = await ReadAsync($"{Deferred}\n{Held}\n{Active}\n{Deferred}\n");

        Assert.Equal(2, figures.ByQueue["deferred"].Messages);
        Assert.Equal(2400, figures.ByQueue["deferred"].Bytes);
        Assert.Equal(1700000000, figures.ByQueue["deferred"].OldestArrival);
        Assert.Equal(1, figures.ByQueue["hold"].Messages);
        Assert.Equal(1, figures.ByQueue["active"].Messages);
        Assert.Equal(0, figures.ByQueue["incoming"].Messages);
        Assert.Equal(4, figures.Messages);
        Assert.Equal(new Dictionary<string, long> { ["unreachable.test"] = 2, ["other.example"] = 2 }, figures.DeferredByDomain);
        Assert.Equal(new Dictionary<string, long> { ["4.4.1"] = 2, ["4.7.1"] = 2 }, figures.DeferredByStatus);
    }

    [Fact]
    public async Task AnEmptyQueue_IsNoOutput_AndEveryQueueZero()
    {
        var figures = await ReadAsync("");

        Assert.All(QueueFigures.Queues, q => Assert.Equal(0, figures.ByQueue[q].Messages));
    }

    [Fact]
    public async Task OneByteAtATime_AndAnEntryLongerThanTheBuffer_ReadTheSame()
    {
        // 3,000 recipients: one line of ~390 KB, six times the first buffer.
        var recipients = string.Join(", ", Enumerable.Range(0, 3000).Select(i => $$"""{"address": "user{{i}}@d{{i % 3}}.example", "delay_reason": "connect to mx.d{{i % 3}}.example[192.0.2.1]:25: Connection timed out"}"""));
        var big = $$"""{"queue_name": "deferred", "queue_id": "X", "arrival_time": 1700000000, "message_size": 5, "recipients": [{{recipients}}]}""";
        var text = $"{Deferred}\n{big}\n{Held}\n";

        var whole = await ReadAsync(text);
        var trickled = await PostqueueReader.ReadAsync(new TricklingStream(Encoding.UTF8.GetBytes(text)), CancellationToken.None);

        Assert.True(big.Length > 300_000);
        Assert.Equal(1000, whole.DeferredByDomain["d0.example"]);
        Assert.Equal(3001, whole.DeferredByStatus["4.4.1"]);
        Assert.Equal(whole.DeferredByDomain, trickled.DeferredByDomain);
        Assert.Equal(whole.DeferredByStatus, trickled.DeferredByStatus);
        Assert.Equal(whole.Messages, trickled.Messages);
    }

    [Theory]
    [InlineData("cut short", "{\"queue_name\": \"deferred\", \"arrival_ti", "ends inside a queue entry")]
    [InlineData("cut inside a line that ends", "{\"queue_name\": \"deferred\", \"arrival_ti\n", "")]
    [InlineData("not JSON", "postqueue: warning: Mail system is down\n", "")]
    [InlineData("no arrival_time", "{\"queue_name\": \"deferred\", \"message_size\": 1}\n", "without arrival_time")]
    [InlineData("two objects on a line", "{\"queue_name\": \"hold\", \"arrival_time\": 1, \"message_size\": 1} {}\n", "")]
    [InlineData("a queue name that is not one", "{\"queue_name\": \"../etc\", \"arrival_time\": 1, \"message_size\": 1}\n", "not a queue's name")]
    [InlineData("a recipient without address", "{\"queue_name\": \"deferred\", \"arrival_time\": 1, \"message_size\": 1, \"recipients\": [{\"delay_reason\": \"x\"}]}\n", "without address")]
    [InlineData("a size that is text", "{\"queue_name\": \"hold\", \"arrival_time\": 1, \"message_size\": \"1\"}\n", "")]
    public async Task OutputThatIsNotWhole_IsAnError_NeverASmallerCount(string what, string tail, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ReadAsync($"{Held}\n{tail}"));

        Assert.True(error is InvalidDataException or System.Text.Json.JsonException, $"{what}: {error}");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEntryPastTheLimit_IsAnError_NotAnAllocationWithoutEnd()
    {
        var endless = new string('x', PostqueueReader.MaxEntryBytes + 1);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(endless));

        Assert.Contains("longer than 16 MiB", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Postmaster@EXAMPLE.test", "example.test")]
    [InlineData("user@example.test.", "example.test")]
    [InlineData("no-domain", "(none)")]
    [InlineData("\"odd@local\"@example.org", "example.org")]
    public void Domain_IsTheLastAtsDomain_InLowerCase(string address, string domain) =>
        Assert.Equal(domain, PostqueueReader.Domain(address));

    private static Task<QueueFigures> ReadAsync(string text) =>
        PostqueueReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), CancellationToken.None);

    /// <summary>A pipe at its worst: one byte per read.</summary>
    private sealed class TricklingStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
