using MailserverWorkers.RoundtripProbe.Tests.StandIns;
using MailserverWorkers.Testing;
using MailserverWorkers.Testing.StandIns;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>
/// The probe as a process against the real Postfix (submission, postscreen), Dovecot (IMAP, IMAPS, LMTP, Sieve),
/// Pushgateway and Prometheus of scripts/mailstack, with the Uptime Kuma stand-in.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class RoundtripProbeJobTests : IAsyncLifetime
{
    private readonly MailStack stack = MailStack.Instance;
    private readonly string instance = "test-" + Guid.NewGuid().ToString("N")[..10];
    private UptimeKumaStandIn kuma = null!;

    public async Task InitializeAsync() => kuma = await UptimeKumaStandIn.StartAsync();

    public async Task DisposeAsync() => await kuma.DisposeAsync();

    private Dictionary<string, string> Environment() => ProbeEnvironment.For(stack, instance, kuma.PushUrl);

    [Fact]
    public async Task RoundTrip_SucceedsThroughSubmissionAndIdle_AndPrometheusReadsBackTheMetrics()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var run = await ProbeEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Watching INBOX and Junk of probe@example.test at 127.0.0.1:{stack.ImapsPort} with IDLE", run.Output);
        Assert.Contains("seen in INBOX", run.Output);
        Assert.Contains("Pushgateway push delivered", run.Output);
        var heartbeat = Assert.Single(kuma.Heartbeats);
        Assert.True(heartbeat.Up);
        Assert.Equal("GET", heartbeat.Method);
        Assert.StartsWith("OK: in INBOX after", heartbeat.Message);
        Assert.True(long.Parse(heartbeat.Ping) > 0);
        Assert.Single(heartbeat.RawQuery.TrimStart('?').Split('&'), p => p.StartsWith("status=", StringComparison.Ordinal));

        using var prometheus = new PrometheusQuery(stack.PrometheusUrl);
        var selector = $"{{job=\"email-roundtrip\",instance=\"{instance}\"}}";
        Assert.Equal(1, await prometheus.WaitForSingleValueAsync("email_roundtrip_last_run_success" + selector, TimeSpan.FromSeconds(20)));
        var lastSuccess = await prometheus.WaitForSingleValueAsync("email_roundtrip_last_success_timestamp_seconds" + selector, TimeSpan.FromSeconds(5));
        Assert.InRange(lastSuccess, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(0, await prometheus.WaitForSingleValueAsync($"sum(email_roundtrip_failure{selector})", TimeSpan.FromSeconds(5)));
        Assert.Equal(3, (await prometheus.QueryAsync("email_roundtrip_stage_duration_seconds" + selector)).Count);
        Assert.Equal(0, await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", ProbeOptions.DefaultSubjectPrefix));
    }

    [Fact]
    public async Task RoundTrip_WorksWithImplicitTlsSubmissionAndStartTlsImap()
    {
        var environment = Environment();
        environment["Smtp__Port"] = stack.SubmissionsPort.ToString();
        environment["Smtp__Security"] = "SslOnConnect";
        environment["Imap__Port"] = stack.ImapPort.ToString();
        environment["Imap__Security"] = "StartTls";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"at 127.0.0.1:{stack.ImapPort} with IDLE", run.Output);
    }

    [Fact]
    public async Task RoundTrip_FindsTheMailByPolling_WhenIdleIsOff()
    {
        var environment = Environment();
        environment["Probe__UseIdle"] = "false";
        environment["Probe__PollInterval"] = "00:00:00.500";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("with a search every 0.5s", run.Output);
    }

    [Fact]
    public async Task ServerCertificate_IsRejected_WithoutTheCaFile()
    {
        var environment = Environment();
        environment.Remove("Tls__CaFile");

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"failed at stage delivery: IMAP connect to 127.0.0.1:{stack.ImapsPort} (SslOnConnect): TLS handshake failed", run.Output);
        Assert.DoesNotContain("Sent e2e-probe", run.Output);
    }

    [Fact]
    public async Task FailedRun_KeepsTheLastSuccessTimestamp_AndNamesTheStage()
    {
        using var prometheus = new PrometheusQuery(stack.PrometheusUrl);
        var selector = $"{{job=\"email-roundtrip\",instance=\"{instance}\"}}";
        Assert.Equal(0, (await ProbeEnvironment.RunAsync(Environment())).ExitCode);
        var lastSuccess = await prometheus.WaitForSingleValueAsync("email_roundtrip_last_success_timestamp_seconds" + selector, TimeSpan.FromSeconds(20));
        var failing = Environment();
        failing["Smtp__Password"] = "wrong-password";

        var run = await ProbeEnvironment.RunAsync(failing);

        Assert.True(run.ExitCode == 1, run.ToString());
        await WaitUntilAsync(async () => (await prometheus.QueryAsync("email_roundtrip_last_run_success" + selector)).SequenceEqual([0.0]));
        Assert.Equal(1, await prometheus.WaitForSingleValueAsync($"email_roundtrip_failure{{job=\"email-roundtrip\",instance=\"{instance}\",stage=\"send\"}}", TimeSpan.FromSeconds(5)));
        Assert.Equal(lastSuccess, await prometheus.WaitForSingleValueAsync("email_roundtrip_last_success_timestamp_seconds" + selector, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task WrongSmtpPassword_FailsAtSend_WithoutPrintingAnyPassword()
    {
        var environment = Environment();
        environment["Smtp__Password"] = "Wr0ng-Smtp-Passw0rd";
        var log = new LogFileTail(stack["MAILSTACK_MAIL_LOG"]);

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"failed at stage send: SMTP AUTH as probe@example.test at 127.0.0.1:{stack.SubmissionPort}: authentication failed", run.Output);
        Assert.DoesNotContain("Wr0ng-Smtp-Passw0rd", run.Output);
        Assert.DoesNotContain(stack.ProbePassword, run.Output);
        var heartbeat = Assert.Single(kuma.Heartbeats);
        Assert.False(heartbeat.Up);
        Assert.StartsWith("send failed: SMTP AUTH", heartbeat.Message);
        // One mechanism, once: Postfix (with Dovecot's SASL, PLAIN and LOGIN offered) logged one failure.
        var failures = await log.LinesAsync(l => l.Contains("authentication failed", StringComparison.Ordinal) && l.Contains("sasl_username=" + stack.ProbeUser, StringComparison.Ordinal));
        Assert.Single(failures);
        Assert.Contains("SASL PLAIN authentication failed", failures[0], StringComparison.Ordinal);
        await ResetAuthPenaltyAsync();
    }

    [Fact]
    public async Task WrongImapPassword_FailsAtDelivery_BeforeAnyMailIsSent()
    {
        var environment = Environment();
        environment["Imap__Password"] = "Wr0ng-Imap-Passw0rd";
        var log = new LogFileTail(stack["MAILSTACK_DOVECOT_LOG"]);
        var postfix = new LogFileTail(stack["MAILSTACK_MAIL_LOG"]);

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"failed at stage delivery: IMAP login as probe@example.test at 127.0.0.1:{stack.ImapsPort}: authentication failed", run.Output);
        Assert.DoesNotContain("Sent e2e-probe", run.Output);
        Assert.DoesNotContain("Wr0ng-Imap-Passw0rd", run.Output);
        Assert.DoesNotContain(stack.ProbePassword, run.Output);
        // Dovecot's own count of the connection's attempts (it offers PLAIN and LOGIN): one.
        var disconnected = Assert.Single(await log.LinesAsync(l => l.Contains("auth failed", StringComparison.Ordinal) && l.Contains($"user=<{stack.ProbeUser}>", StringComparison.Ordinal)));
        Assert.Contains("(auth failed, 1 attempts", disconnected, StringComparison.Ordinal);
        // The submission session opened meanwhile logged in and quit without a MAIL command: no probe mail went.
        var submission = Assert.Single(await postfix.LinesAsync(l => l.Contains("/submission/smtpd[", StringComparison.Ordinal) && l.Contains("disconnect from", StringComparison.Ordinal)));
        Assert.Contains(" auth=1 ", submission, StringComparison.Ordinal);
        Assert.DoesNotContain("mail=", submission, StringComparison.Ordinal);
        await ResetAuthPenaltyAsync();
    }

    /// <summary>
    /// Dovecot 2.3 delays every login from an address that failed one (2 s, doubling) until one from it succeeds: a
    /// successful login leaves the server as the next test expects it.
    /// </summary>
    private async Task ResetAuthPenaltyAsync()
    {
        using var client = await stack.OpenImapAsync(stack.ProbeUser, stack.ProbePassword);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task ImapServerThatNeverAnswers_TimesOutAndNamesTheStage()
    {
        using var silent = new SilentTcpServer();
        var environment = Environment();
        environment["Imap__Port"] = silent.Port.ToString();
        environment["Imap__Security"] = "None";
        environment["Imap__Timeout"] = "00:00:02";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"failed at stage delivery: IMAP connect to 127.0.0.1:{silent.Port} (None): no answer within 2s (timed out)", run.Output);
        Assert.Equal(1, silent.Connections);
        Assert.StartsWith("delivery failed: IMAP connect", Assert.Single(kuma.Heartbeats).Message);
    }

    [Fact]
    public async Task RelayThatRefusesTheMail_FailsAtSend_WithTheServersReply()
    {
        var environment = Environment();
        environment["Probe__From"] = "someone@foreign.test";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed at stage send: SMTP submission of e2e-probe-", run.Output);
        Assert.Contains("server replied 553 5.7.1 <someone@foreign.test>: Sender address rejected: not owned by user probe@example.test", run.Output);
    }

    [Fact]
    public async Task MailThatNeverArrives_FailsAtDelivery_WhenTheDeadlinePasses()
    {
        // Sent to probe@, watched in spam@'s mailbox: it cannot arrive there.
        var environment = Environment();
        environment["Imap__Username"] = stack.SpamUser;
        environment["Imap__Password"] = stack.SpamPassword;
        environment["Probe__Deadline"] = "00:00:10";
        // IDLE outlasts the per-command timeout: only the deadline ends the wait. Five seconds for each command
        // leaves room on a loaded machine for the login and SELECT before it.
        environment["Imap__Timeout"] = "00:00:05";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(run.Output, @"failed at stage delivery: e2e-probe-\d{8}T\d{6}Z-[a-z2-7]{8} did not arrive within Probe__Deadline=00:00:10"), run.ToString());
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, ProbeOptions.DefaultSubjectPrefix);
    }

    [Fact]
    public async Task LeftoversFromEarlierRuns_AreDeleted_AndOtherMailIsKept()
    {
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, ProbeOptions.DefaultSubjectPrefix);
        await Mailbox.AppendAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", "e2e-probe-20260101T000000Z-old1");
        await Mailbox.AppendAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", "Re: e2e-probe-20260101T000500Z-old2 from the Python script");
        await Mailbox.AppendAsync(stack, stack.ProbeUser, stack.ProbePassword, "Junk", "e2e-probe-20260101T001000Z-old3");
        var keep = "keep me " + Guid.NewGuid().ToString("N");
        await Mailbox.AppendAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", keep);

        var run = await ProbeEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Deleted 3 probe mail(s) from INBOX", run.Output);
        Assert.Contains("Deleted 1 probe mail(s) from Junk", run.Output);
        Assert.Contains("; 4 probe mail(s) deleted", run.Output);
        Assert.Equal(0, await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", "e2e-probe"));
        Assert.Equal(0, await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "Junk", "e2e-probe"));
        Assert.Equal(1, await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", keep));
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, keep);
    }

    [Fact]
    public async Task LeftoversBeyondTheCap_AreKept_AndTheRunFailsAtCleanup()
    {
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, ProbeOptions.DefaultSubjectPrefix);
        for (var i = 0; i < 3; i++)
        {
            await Mailbox.AppendAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", $"e2e-probe-20260101T00000{i}Z-cap{i}");
        }

        var environment = Environment();
        environment["Probe__CleanupMaxMessages"] = "3";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed at stage cleanup: cleanup: 4 messages in INBOX have 'e2e-probe' in the subject, more than Probe__CleanupMaxMessages=3; deleted none", run.Output);
        Assert.Equal(4, await Mailbox.CountAsync(stack, stack.ProbeUser, stack.ProbePassword, "INBOX", "e2e-probe"));
        await Mailbox.PurgeAsync(stack, stack.ProbeUser, stack.ProbePassword, ProbeOptions.DefaultSubjectPrefix);
    }

    [Fact]
    public async Task WhatTheReceivingServerSaysOfSpfDkimAndDmarc_IsPushed_FromRspamdsRealHeaders()
    {
        // Through the stack's outside relay: Rspamd signs the mail (DKIM, example.test's key), the relay hands it to
        // port 25 from 127.0.0.1, where Rspamd checks SPF, DKIM and DMARC against Unbound's records and adds
        // Authentication-Results and X-Spamd-Result. A submission to the server itself gets neither (authenticated).
        var environment = Environment();
        environment["Smtp__Port"] = stack.RelayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var relayed = await ProbeEnvironment.RunAsync(environment);
        environment["Probe__AuthServId"] = "other.example";
        var otherServer = await ProbeEnvironment.RunAsync(environment);
        var submitted = await ProbeEnvironment.RunAsync(Environment());

        Assert.True(relayed.ExitCode == 0, relayed.ToString());
        Assert.Equal(1, relayed.LoggedMetric("email_roundtrip_spf_pass"));
        Assert.Equal(1, relayed.LoggedMetric("email_roundtrip_dkim_pass"));
        Assert.Equal(1, relayed.LoggedMetric("email_roundtrip_dmarc_pass"));
        // Rspamd's score of a mail that passes all three: its DMARC_POLICY_ALLOW, R_DKIM_ALLOW and R_SPF_ALLOW are
        // negative scores, so a score read from X-Spamd-Result is below zero (a missing one is no metric at all).
        Assert.True(relayed.LoggedMetric("email_roundtrip_spam_score") < 0, relayed.ToString());
        // A header from another authserv-id than the one named is not believed.
        Assert.True(otherServer.ExitCode == 0, otherServer.ToString());
        Assert.DoesNotContain("email_roundtrip_spf_pass", otherServer.Output, StringComparison.Ordinal);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.DoesNotContain("email_roundtrip_spf_pass", submitted.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("email_roundtrip_spam_score", submitted.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailRspamdRejects_FailsAtSend_WithRspamdsReply()
    {
        // The stack's Rspamd rejects mail to reject@ (its "reject" action, through the milter): a 554 to the sender.
        var environment = Environment();
        environment["Probe__To"] = "reject@" + stack.Domain;

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed at stage send: SMTP submission of e2e-probe-", run.Output);
        Assert.Contains("server replied 554 5.7.1 mailstack: mail to reject@ is rejected", run.Output);
        Assert.StartsWith("send failed:", Assert.Single(kuma.Heartbeats).Message);
    }

    [Fact]
    public async Task MailClassifiedAsSpam_IsItsOwnOutcome_ExitCode3()
    {
        // The stack's Rspamd junks mail to junk@ (its "add header" action: X-Spam: Yes); the catch-all takes it to
        // spam@, the Sieve rule into Junk.
        var environment = Environment();
        environment["Probe__To"] = "junk@" + stack.Domain;
        environment["Imap__Username"] = stack.SpamUser;
        environment["Imap__Password"] = stack.SpamPassword;

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == RoundtripExitCodes.DeliveredToJunk, run.ToString());
        Assert.Contains("seen in Junk", run.Output);
        var heartbeat = Assert.Single(kuma.Heartbeats);
        Assert.False(heartbeat.Up);
        Assert.StartsWith("delivered to Junk: classified as spam", heartbeat.Message);
        using var prometheus = new PrometheusQuery(stack.PrometheusUrl);
        var selector = $"{{job=\"email-roundtrip\",instance=\"{instance}\"}}";
        Assert.Equal(1, await prometheus.WaitForSingleValueAsync("email_roundtrip_delivered_to_junk" + selector, TimeSpan.FromSeconds(20)));
        Assert.Equal(0, await prometheus.WaitForSingleValueAsync("email_roundtrip_last_run_success" + selector, TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await Mailbox.CountAsync(stack, stack.SpamUser, stack.SpamPassword, "Junk", "e2e-probe"));
    }

    [Fact]
    public async Task PushgatewayDown_IsTriedThreeTimesWithBackoff_AndTheHeartbeatStillCounts()
    {
        var environment = Environment();
        environment["Pushgateway__Url"] = $"http://user:pushSecret@127.0.0.1:{LoopbackPorts.Closed()}";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        var warnings = run.Lines.Where(l => l.Contains(" WARN ", StringComparison.Ordinal) && l.Contains("Pushgateway push attempt", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Matches(@"Pushgateway push attempt 1/3 failed: Connection refused.*; retrying in \d+\.\d\ds", warnings[0]);
        Assert.Matches(@"Pushgateway push attempt 2/3 failed: Connection refused.*; retrying in \d+\.\d\ds", warnings[1]);
        var error = Assert.Single(run.Lines, l => l.Contains(" ERROR ", StringComparison.Ordinal));
        Assert.Matches(@"ERROR PushgatewayClient: Pushgateway push to http://127\.0\.0\.1:\d+/metrics/job/email-roundtrip/instance/test-\w+ failed after 3 attempt\(s\): Connection refused", error);
        Assert.DoesNotContain("pushSecret", run.Output);
        Assert.True(Assert.Single(kuma.Heartbeats).Up);
    }

    [Fact]
    public async Task PushgatewayAndUptimeKumaBothDown_ExitsOne_ThoughTheMailArrived()
    {
        var environment = Environment();
        environment["Pushgateway__Url"] = $"http://127.0.0.1:{LoopbackPorts.Closed()}";
        environment["UptimeKuma__PushUrl"] = kuma.UnknownTokenUrl.ToString();

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("seen in INBOX", run.Output);
        Assert.Contains("Uptime Kuma heartbeat (up) to http://127.0.0.1:", run.Output);
        Assert.Contains("/api/push/*** failed after 3 attempt(s): HTTP 500 Internal Server Error: {\"ok\":false,\"msg\":\"Monitor not found or not active.\"}", run.Output);
        Assert.DoesNotContain("doesNotExist", run.Output);
        Assert.Empty(kuma.Heartbeats);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 80 && !await condition(); i++)
        {
            await Task.Delay(250);
        }

        Assert.True(await condition(), "condition not met within 20 s");
    }
}
