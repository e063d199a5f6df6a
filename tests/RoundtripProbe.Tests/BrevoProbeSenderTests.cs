using MailserverWorkers.RoundtripProbe.Tests.StandIns;
using MailserverWorkers.Testing;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>The brevo sender against the Brevo stand-in, which relays into the real Postfix; received by the real Dovecot.</summary>
[Collection(MailStackCollection.Name)]
public sealed class BrevoProbeSenderTests : IAsyncLifetime
{
    private readonly MailStack stack = MailStack.Instance;
    private readonly string keyFile = Path.GetTempFileName();
    private BrevoStandIn brevo = null!;

    public async Task InitializeAsync()
    {
        brevo = await BrevoStandIn.StartAsync("127.0.0.1", stack.SmtpPort);
        await File.WriteAllTextAsync(keyFile, BrevoStandIn.ApiKey + "\n");
    }

    public async Task DisposeAsync()
    {
        await brevo.DisposeAsync();
        File.Delete(keyFile);
    }

    private Dictionary<string, string> Environment()
    {
        var environment = ProbeEnvironment.For(stack, "brevo-" + Guid.NewGuid().ToString("N")[..8], null);
        environment["Probe__Sender"] = "brevo";
        environment["Brevo__BaseUrl"] = brevo.BaseUrl.ToString();
        environment["Brevo__ApiKeyFile"] = keyFile;
        foreach (var key in environment.Keys.Where(k => k.StartsWith("Smtp__", StringComparison.Ordinal)).ToList())
        {
            environment.Remove(key);
        }

        return environment;
    }

    [Fact]
    public async Task RoundTrip_ThroughBrevo_UnblocksThenSendsTheDocumentedJson()
    {
        var run = await ProbeEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 0, run.ToString());
        var calls = brevo.Calls.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.Equal("DELETE probe@example.test", calls[0]);
        Assert.Matches(@"^POST e2e-probe-\d{8}T\d{6}Z-[a-z2-7]{8}$", calls[1]);
        var body = Assert.Single(brevo.SentBodies);
        Assert.Equal(stack.ProbeUser, body.GetProperty("sender").GetProperty("email").GetString());
        Assert.Equal(stack.ProbeUser, body.GetProperty("to")[0].GetProperty("email").GetString());
        Assert.Equal(body.GetProperty("subject").GetString(), body.GetProperty("headers").GetProperty("X-E2E-Probe-Id").GetString());
        Assert.Contains("Sent e2e-probe-", run.Output);
        Assert.Contains("through Brevo for probe@example.test: messageId <", run.Output);
        Assert.DoesNotContain(BrevoStandIn.ApiKey, run.Output);
    }

    [Fact]
    public async Task TheMarkerHeaderAndSenderName_AreTheOnesConfigured()
    {
        var environment = Environment();
        environment["Probe__MarkerHeader"] = "X-Ops-Roundtrip";
        environment["Probe__FromName"] = "Ops Desk Probe";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 0, run.ToString());
        var body = Assert.Single(brevo.SentBodies);
        Assert.Equal("Ops Desk Probe", body.GetProperty("sender").GetProperty("name").GetString());
        Assert.Equal(body.GetProperty("subject").GetString(), body.GetProperty("headers").GetProperty("X-Ops-Roundtrip").GetString());
        Assert.False(body.GetProperty("headers").TryGetProperty("X-E2E-Probe-Id", out _));
        Assert.Contains("seen in INBOX", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BlockedRecipient_IsUnblockedBeforeTheSend()
    {
        brevo.Blocked[stack.ProbeUser] = true;

        var run = await ProbeEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Brevo had blocked probe@example.test (a bounce or complaint); unblocked it before sending", run.Output);
        Assert.Empty(brevo.Blocked);
    }

    [Fact]
    public async Task Check_AsksBrevoWhoTheKeyBelongsTo_AndSendsNothing()
    {
        var ok = await WorkerProcess.RunAsync("roundtrip-probe", Environment(), ["--check"]);
        await File.WriteAllTextAsync(keyFile, "xkeysib-wrong\n");
        var refused = await WorkerProcess.RunAsync("roundtrip-probe", Environment(), ["--check"]);

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains($"ok Brevo API at {brevo.BaseUrl.Authority} takes the API key (GET /v3/account)", ok.Output, StringComparison.Ordinal);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("FAILED Brevo API at", refused.Output, StringComparison.Ordinal);
        Assert.Contains("Brevo account (GET /v3/account): HTTP 401: unauthorized: Key not found", refused.Output, StringComparison.Ordinal);
        Assert.Equal(["GET account"], brevo.Calls);
        Assert.DoesNotContain("xkeysib", ok.Output + refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedUnblock_IsAWarning_AndTheProbeSendsAnyway()
    {
        brevo.UnblockFailsWith = 503;

        var run = await ProbeEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("WARN", run.Lines.Single(l => l.Contains("Brevo unblock of probe@example.test answered HTTP 503: internal_error: Something went wrong, please try again; sending anyway", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(["DELETE probe@example.test", "POST"], brevo.Calls.Select(c => c.Split(' ')[0] == "POST" ? "POST" : c));
    }

    [Fact]
    public async Task BrevoRefusingTheMail_FailsAtSend_WithBrevosMessage()
    {
        brevo.RejectSender = true;

        var run = await ProbeEnvironment.RunAsync(Environment());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed at stage send: Brevo send (POST /v3/smtp/email): HTTP 400: unauthorized: Sending has been rejected because the sender you used is not valid.", run.Output);
    }

    [Fact]
    public async Task WrongApiKey_FailsAtSend_WithoutPrintingTheKey()
    {
        var environment = Environment();
        environment.Remove("Brevo__ApiKeyFile");
        environment["Brevo__ApiKey"] = "xkeysib-wrong-key-0000";

        var run = await ProbeEnvironment.RunAsync(environment);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("failed at stage send: Brevo send (POST /v3/smtp/email): HTTP 401: unauthorized: Key not found", run.Output);
        Assert.DoesNotContain("xkeysib-wrong-key-0000", run.Output);
    }
}
