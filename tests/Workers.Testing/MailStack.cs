using MailKit.Net.Imap;
using MailKit.Security;

namespace MailserverWorkers.Testing;

/// <summary>
/// The local mail stack started by <c>scripts/mailstack start</c> (real Postfix, Dovecot, Pushgateway and Prometheus
/// on 127.0.0.1), read from the <c>stack.env</c> it writes. Tests fail, not skip, when it is not running.
/// </summary>
public sealed class MailStack
{
    private static readonly Lazy<MailStack> Current = new(Load);
    private readonly Dictionary<string, string> values;

    private MailStack(Dictionary<string, string> values) => this.values = values;

    public static MailStack Instance => Current.Value;

    public string Domain => this["MAILSTACK_DOMAIN"];
    public string Hostname => this["MAILSTACK_HOSTNAME"];
    public int SmtpPort => int.Parse(this["MAILSTACK_SMTP_PORT"]);
    public int SubmissionPort => int.Parse(this["MAILSTACK_SUBMISSION_PORT"]);
    public int SubmissionsPort => int.Parse(this["MAILSTACK_SUBMISSIONS_PORT"]);
    public int ImapPort => int.Parse(this["MAILSTACK_IMAP_PORT"]);
    public int ImapsPort => int.Parse(this["MAILSTACK_IMAPS_PORT"]);

    /// <summary>An outside provider's submission port: its mail is signed by Rspamd and enters port 25 from outside.</summary>
    public int RelayPort => int.Parse(this["MAILSTACK_RELAY_PORT"]);
    public Uri PushgatewayUrl => new(this["MAILSTACK_PUSHGATEWAY_URL"]);
    public Uri PrometheusUrl => new(this["MAILSTACK_PROMETHEUS_URL"]);
    public string CaFile => this["MAILSTACK_CA_FILE"];
    public string Directory => this["MAILSTACK_DIR"];
    public string ProbeUser => this["MAILSTACK_PROBE_USER"];
    public string ProbePassword => this["MAILSTACK_PROBE_PASSWORD"];
    public string SpamUser => this["MAILSTACK_SPAM_USER"];
    public string SpamPassword => this["MAILSTACK_SPAM_PASSWORD"];
    public string RetentionUser => this["MAILSTACK_RETENTION_USER"];
    public string RetentionPassword => this["MAILSTACK_RETENTION_PASSWORD"];
    public string DovecotConfig => this["MAILSTACK_DOVECOT_CONF"];

    /// <summary>The stack's Dovecot, 2.3 in the first flavour (Debian 12) and 2.4 in the next (Debian 13).</summary>
    public Version DovecotVersion => Version.Parse(this["MAILSTACK_DOVECOT_VERSION"].Split('-')[0]);

    /// <summary>The Maildir of a user of the stack: <c>mail/&lt;domain&gt;/&lt;user&gt;</c>, docker-mailserver's <c>/var/mail</c> layout.</summary>
    public string MaildirOf(string user) => Path.Combine(Directory, "mail", Domain, user.Split('@')[0]);

    public string this[string key] => values.TryGetValue(key, out var v) ? v : throw new InvalidOperationException($"{key} missing from stack.env");

    /// <summary>An IMAP session as <paramref name="user"/> over IMAPS, trusting the stack's CA.</summary>
    public async Task<ImapClient> OpenImapAsync(string user, string password)
    {
        var client = new ImapClient { Timeout = 10_000, CheckCertificateRevocation = false };
        client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(CaFile);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
        };
        await client.ConnectAsync("127.0.0.1", ImapsPort, SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    private static MailStack Load()
    {
        var dir = Environment.GetEnvironmentVariable("MAILSTACK_DIR") is { Length: > 0 } d ? d : Path.Combine(RepositoryRoot(), ".mailstack");
        var file = Path.Combine(dir, "stack.env");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"The mail stack is not running ({file} is missing): run scripts/mailstack start, or scripts/test");
        }

        var values = File.ReadAllLines(file)
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return new MailStack(values);
    }

    /// <summary>The folder holding Workers.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Workers.sln not found above " + AppContext.BaseDirectory);
    }
}
