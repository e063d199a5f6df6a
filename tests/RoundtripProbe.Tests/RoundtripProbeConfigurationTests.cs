using MailserverWorkers.Testing;

namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>Configuration errors: exit 2 and one line naming the key, before any network call. No servers needed.</summary>
public sealed class RoundtripProbeConfigurationTests
{
    private static Dictionary<string, string> Valid() => new()
    {
        ["Probe__From"] = "probe@example.test",
        ["Probe__To"] = "probe@example.test",
        ["Smtp__Host"] = "127.0.0.1",
        ["Smtp__Username"] = "probe@example.test",
        ["Smtp__Password"] = "Sup3r-Secret-Value",
        ["Imap__Host"] = "127.0.0.1",
        ["Imap__Username"] = "probe@example.test",
        ["Imap__Password"] = "Sup3r-Secret-Value",
    };

    [Theory]
    [InlineData("Probe__To", null, "Probe__To: The To field is required.")]
    [InlineData("Probe__To", "not-an-address", "Probe__To: The To field is not a valid e-mail address.")]
    [InlineData("Smtp__Security", "Tls", "Smtp__Security: 'Tls' is not one of none, start-tls, ssl-on-connect")]
    [InlineData("Smtp__Port", "submission", "Smtp__Port: cannot be read as a whole number")]
    [InlineData("Smtp__Port", "70000", "Smtp__Port: The field Port must be between 1 and 65535.")]
    [InlineData("Probe__Deadline", "5m", "Probe__Deadline: cannot be read as a duration (hh:mm:ss)")]
    [InlineData("Probe__Sender", "sendgrid", "Probe__Sender: 'sendgrid' is not one of smtp, brevo")]
    [InlineData("Smtp__Host", null, "Smtp__Host: required when Probe__Sender=smtp")]
    [InlineData("Tls__CaFile", "/nonexistent/ca.pem", "Tls__CaFile: file '/nonexistent/ca.pem' does not exist")]
    [InlineData("Imap__PasswordFile", "/nonexistent/secret", "Imap__PasswordFile: set either Imap__Password or Imap__PasswordFile, not both")]
    [InlineData("Pushgateway__Url", "ftp://gateway", "Pushgateway__Url: must be an absolute http or https URL")]
    [InlineData("Pushgateway__Url", "http://gateway:9091/?token=abc", "Pushgateway__Url: must not have a query or a fragment (use Pushgateway__BearerToken or Pushgateway__Username/Password)")]
    [InlineData("Smtp__Security", "7", "Smtp__Security: '7' is not one of none, start-tls, ssl-on-connect")]
    [InlineData("Imap__Security", "1", "Imap__Security: '1' is not one of none, start-tls, ssl-on-connect")]
    [InlineData("Smtp__Security", "None, StartTls", "Smtp__Security: 'None, StartTls' is not one of none, start-tls, ssl-on-connect")]
    [InlineData("Smtp__Host", "mail example.test", "Smtp__Host: 'mail example.test' is not a host name or an IP address")]
    [InlineData("Imap__Host", "[::1]", "Imap__Host: '[::1]': write an IPv6 address without brackets (::1)")]
    [InlineData("Imap__Host", "-bad-.example.test", "Imap__Host: '-bad-.example.test' is not a host name or an IP address")]
    [InlineData("Brevo__BaseUrl", "/v3", "Brevo__BaseUrl: must be an absolute http:// or https:// URL with a host (it is relative)")]
    [InlineData("UptimeKuma__PushUrl", "kuma.example/api/push/Tok3n", "UptimeKuma__PushUrl: must be an absolute http:// or https:// URL with a host (it is relative)")]
    [InlineData("UptimeKuma__PushUrl", "ftp://kuma.example/api/push/Tok3n", "UptimeKuma__PushUrl: must be an absolute http:// or https:// URL with a host, not ftp:")]
    public async Task InvalidConfiguration_ExitsTwo_WithOneLineNamingTheKey(string key, string? value, string expected)
    {
        var environment = Valid();
        if (value is null)
        {
            environment.Remove(key);
        }
        else
        {
            environment[key] = value;
        }

        var run = await WorkerProcess.RunAsync("roundtrip-probe", environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"roundtrip-probe: configuration invalid: {expected}", Assert.Single(run.Lines));
        Assert.DoesNotContain("Sup3r-Secret-Value", run.Output);
    }

    [Fact]
    public async Task MisspelledKey_IsRejected_NotIgnored()
    {
        var environment = Valid();
        environment["Smtp__Passwrd"] = "oops";

        var run = await WorkerProcess.RunAsync("roundtrip-probe", environment);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("roundtrip-probe: configuration invalid: Smtp__Passwrd: unknown key (known keys: Host, Password, Port, Security, Timeout, Username)",
            Assert.Single(run.Lines));
    }

    [Fact]
    public async Task ConfigFile_IsRead_AndEnvironmentVariablesWinOverIt()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, """{ "Probe": { "To": "not-an-address" }, "Smtp": { "Port": 70000 } }""");
        var environment = Valid();
        environment.Remove("Probe__To");
        environment["Smtp__Port"] = "587";

        var run = await WorkerProcess.RunAsync("roundtrip-probe", environment, ["--config", file]);
        File.Delete(file);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("roundtrip-probe: configuration invalid: Probe__To: The To field is not a valid e-mail address.", Assert.Single(run.Lines));
    }

    [Fact]
    public async Task AConfigFileThatIsNotJson_IsAConfigurationError_NamingTheLine()
    {
        var file = Path.GetTempFileName();
        // A trailing comma is allowed (the configuration reader is lenient); the stray word on line 3 is not.
        await File.WriteAllTextAsync(file, "{\n  \"Probe\": { \"To\": \"a@example.test\", }\n  oops\n}");

        var run = await WorkerProcess.RunAsync("roundtrip-probe", Valid(), ["--config", file]);
        File.Delete(file);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith($"roundtrip-probe: configuration invalid: --config: '{file}' is not valid JSON at line 3: 'o' is invalid after a value", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConfigFile_IsAConfigurationError()
    {
        var run = await WorkerProcess.RunAsync("roundtrip-probe", Valid(), ["--config", "/nonexistent/probe.json"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("roundtrip-probe: configuration invalid: --config: file '/nonexistent/probe.json' does not exist", Assert.Single(run.Lines));
    }

    [Fact]
    public async Task BrevoWithoutApiKey_IsRejected()
    {
        var environment = Valid();
        environment["Probe__Sender"] = "brevo";

        var run = await WorkerProcess.RunAsync("roundtrip-probe", environment);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("roundtrip-probe: configuration invalid: Brevo__ApiKey: required when Probe__Sender=brevo (or set Brevo__ApiKeyFile)", Assert.Single(run.Lines));
    }

    [Fact]
    public async Task Help_ListsTheConfigurationAndTheExitCodes()
    {
        var run = await WorkerProcess.RunAsync("roundtrip-probe", new Dictionary<string, string>(), ["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--schedule", run.Output);
        Assert.Contains("Probe__Sender (smtp|brevo; smtp)", run.Output);
        Assert.Contains("3 mail arrived in the junk folder", run.Output);
    }
}
