namespace MailserverWorkers.HaproxyHealth.Tests;

/// <summary>Every kind of target against the real HAProxy, Postfix and Dovecot of scripts/mailstack.</summary>
[Collection(HaproxyStackCollection.Name)]
public sealed class PathProberTests
{
    private readonly PathProber prober = HealthParts.Prober();

    [Theory]
    [InlineData("MAILSTACK_HAPROXY_SMTP_PORT", "smtp", "none", "HAProxy -> PROXY v2 -> postscreen")]
    [InlineData("MAILSTACK_HAPROXY_SMTP_PORT", "tcp", "none", "HAProxy, TCP only")]
    [InlineData("MAILSTACK_HAPROXY_SUBMISSION_PORT", "smtp-starttls", "none", "HAProxy -> PROXY v2 -> smtpd, STARTTLS")]
    [InlineData("MAILSTACK_HAPROXY_IMAP_PORT", "imap", "none", "HAProxy -> Dovecot")]
    [InlineData("MAILSTACK_HAPROXY_IMAPS_PORT", "imaps", "none", "HAProxy -> Dovecot, TLS")]
    [InlineData("MAILSTACK_SUBMISSIONS_PORT", "smtps", "none", "submissions, implicit TLS")]
    [InlineData("MAILSTACK_PROXY_SMTP_PORT", "smtp", "v2", "our own PROXY v2 to postscreen")]
    [InlineData("MAILSTACK_PROXY_SMTP_PORT", "smtp", "v1", "our own PROXY v1 to postscreen")]
    [InlineData("MAILSTACK_PROXY_SUBMISSION_PORT", "smtp-starttls", "v1", "our own PROXY v1 to smtpd, STARTTLS")]
    [InlineData("MAILSTACK_PROXY_SUBMISSION_PORT", "smtp-starttls", "v2", "our own PROXY v2 to smtpd, STARTTLS")]
    public async Task AHealthyPath_Succeeds_WithItsTimings(string port, string protocol, string proxy, string path)
    {
        var target = HealthParts.Target(port, protocol, proxy);

        var attempt = await prober.AttemptAsync(target, CancellationToken.None);

        Assert.True(attempt.Succeeded, $"{path}: {attempt.Error}");
        Assert.NotNull(attempt.Connect);
        Assert.Equal(protocol != "tcp", attempt.Banner is not null);
        Assert.True(attempt.Banner is null || attempt.Banner >= attempt.Connect);
        var tls = protocol is "smtp-starttls" or "smtps" or "imaps";
        Assert.Equal(tls, attempt.TlsHandshake is not null);
        Assert.Equal(tls, attempt.CertificateNotAfter is not null);
        if (tls)
        {
            // scripts/mailstack's certificate is valid for 825 days from when it was made.
            Assert.InRange(attempt.CertificateNotAfter!.Value, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(826));
        }
    }

    [Theory]
    [InlineData("MAILSTACK_PROXY_SMTP_PORT", "421 4.3.2")]
    [InlineData("MAILSTACK_PROXY_SUBMISSION_PORT", "421 4.3.0")]
    public async Task APROXYListener_RefusesAClientWithoutAHeader(string port, string reply)
    {
        var offset = HaproxyStack.PostfixLogLength();
        var attempt = await prober.AttemptAsync(HealthParts.Target(port, "smtp", expect: "reject-without-proxy"), CancellationToken.None);

        Assert.True(attempt.Succeeded, attempt.Error);
        // What Postfix 3.7 does: it waits *_upstream_proxy_timeout (5 s) for the header, then answers 421.
        Assert.InRange(attempt.Total, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
        Assert.StartsWith(reply, attempt.Refusal, StringComparison.Ordinal);
        // Waiting for the header and refusing kills nothing (the deliberately broken listener's fatals aside).
        Assert.DoesNotContain(HaproxyStack.PostfixLogSince(offset).Split('\n'), l => l.Contains("fatal:", StringComparison.Ordinal) && !l.Contains("/submission-broken/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APlainListener_FailsRejectWithoutProxy_QuotingItsGreeting()
    {
        var attempt = await prober.AttemptAsync(HealthParts.Target("MAILSTACK_SUBMISSION_PORT", "smtp", expect: "reject-without-proxy"), CancellationToken.None);

        Assert.False(attempt.Succeeded);
        Assert.Equal("served a client that sent no PROXY header: '220 mail.example.test ESMTP Postfix'", attempt.Error);
    }

    [Fact]
    public async Task Failures_SayWhatTheServerDid()
    {
        var closed = await prober.AttemptAsync(HealthParts.Target(Testing.LoopbackPorts.Closed().ToString(System.Globalization.CultureInfo.InvariantCulture), "smtp"), CancellationToken.None);
        var wrongProtocol = await prober.AttemptAsync(HealthParts.Target("MAILSTACK_IMAP_PORT", "smtp"), CancellationToken.None);
        var wrongName = HealthParts.Target("MAILSTACK_IMAPS_PORT", "imaps");
        wrongName.ServerName = "imap.other.test";
        var badCertificate = await prober.AttemptAsync(wrongName, CancellationToken.None);
        var noHeader = HealthParts.Target("MAILSTACK_PROXY_SUBMISSION_PORT", "smtp");
        noHeader.Timeout = TimeSpan.FromSeconds(1);
        var silent = await prober.AttemptAsync(noHeader, CancellationToken.None);

        Assert.Equal("connection refused", closed.Error);
        Assert.StartsWith("greeting '* OK", wrongProtocol.Error, StringComparison.Ordinal);
        Assert.StartsWith("TLS handshake failed: ", badCertificate.Error, StringComparison.Ordinal);
        Assert.Equal("no answer within 00:00:01", silent.Error);
    }

    [Fact]
    public async Task Postscreen_LogsTheClientAddressThePROXYHeaderClaims()
    {
        var source = $"198.51.100.{Random.Shared.Next(1, 254)}";
        var sourcePort = Random.Shared.Next(20000, 60000);
        var target = HealthParts.Target("MAILSTACK_PROXY_SMTP_PORT", "smtp", "v2");
        target.ProxySourceAddress = source;
        target.ProxySourcePort = sourcePort;
        var offset = HaproxyStack.PostfixLogLength();

        var attempt = await prober.AttemptAsync(target, CancellationToken.None);

        Assert.True(attempt.Succeeded, attempt.Error);
        var port = HaproxyStack.Port("MAILSTACK_PROXY_SMTP_PORT");
        var expected = $"postfix/smtpd-proxyprotocol/postscreen[";
        var line = $"CONNECT from [{source}]:{sourcePort} to [127.0.0.1]:{port}";
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!HaproxyStack.PostfixLogSince(offset).Contains(line, StringComparison.Ordinal) && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        var log = HaproxyStack.PostfixLogSince(offset);
        Assert.Contains(line, log, StringComparison.Ordinal);
        Assert.Contains(expected, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatNeverAnswersQuit_StillPasses_TheGreetingIsTheVerdict()
    {
        await using var server = new MailserverWorkers.Testing.StandIns.ScriptedSmtpServer(new MailserverWorkers.Testing.StandIns.PeerFault("QUIT", MailserverWorkers.Testing.StandIns.PeerFaultKind.Stall));

        var attempt = await prober.AttemptAsync(HealthParts.Target(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "smtp"), CancellationToken.None);

        Assert.True(attempt.Succeeded, attempt.Error);
        Assert.NotNull(attempt.Banner);
    }

    [Theory]
    [InlineData("expired", "TLS handshake failed: the certificate expired on ")]
    [InlineData("wrong name", "TLS handshake failed: the certificate is for other.example.test, not 127.0.0.1")]
    [InlineData("other CA", "TLS handshake failed: the certificate is issued by CN=another test CA, not by a CA in Tls__CaFile")]
    public async Task ACertificateFault_IsNamed(string fault, string expected)
    {
        var now = DateTimeOffset.UtcNow;
        await using var peer = fault switch
        {
            "expired" => MailserverWorkers.Testing.StandIns.TlsPeer.With("127.0.0.1", now.AddDays(-30), now.AddDays(-1)),
            "wrong name" => MailserverWorkers.Testing.StandIns.TlsPeer.With("other.example.test", now.AddDays(-1), now.AddDays(30)),
            _ => MailserverWorkers.Testing.StandIns.TlsPeer.With("127.0.0.1", now.AddDays(-1), now.AddDays(30), otherCa: true),
        };
        var tls = new TlsUpgrade(Microsoft.Extensions.Options.Options.Create(new MailserverWorkers.Shared.Tls.TlsOptions { CaFile = peer.CaFile }), TimeProvider.System);
        var trusting = new PathProber(new TcpConnectCheck(), new SmtpBannerCheck(tls), new ImapBannerCheck(tls), TimeProvider.System);

        var attempt = await trusting.AttemptAsync(HealthParts.Target(peer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "imaps"), CancellationToken.None);

        Assert.False(attempt.Succeeded);
        Assert.True(attempt.Error?.Contains(expected, StringComparison.Ordinal) == true, attempt.Error);
    }
}
