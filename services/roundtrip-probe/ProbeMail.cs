using System.Globalization;
using System.Security.Cryptography;

namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// One run's probe mail. Its id, <c>e2e-probe-20261125T153000Z-k3j9x2qa</c>, is both the subject and the value of the
/// marker header, so the receiver can find exactly this run's mail and cleanup can recognise every probe's mail.
/// </summary>
public sealed record ProbeMail(string Id, string From, string FromName, string To, string MarkerHeader, DateTimeOffset CreatedAt)
{
    private const string RandomAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public string Subject => Id;

    public string TextBody =>
        $"Round-trip probe {Id}, sent {CreatedAt:yyyy-MM-ddTHH:mm:ssZ} by mailserver-workers roundtrip-probe.\n" +
        "It is deleted automatically when it arrives; if you see it, the probe could not clean up.\n";

    public static ProbeMail Create(ProbeOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var random = RandomNumberGenerator.GetString(RandomAlphabet, 8);
        var id = string.Create(CultureInfo.InvariantCulture, $"{options.SubjectPrefix}-{now:yyyyMMdd'T'HHmmss'Z'}-{random}");
        return new ProbeMail(id, options.From, options.FromName, options.To, options.MarkerHeader, now);
    }
}
