using MailserverWorkers.Testing;

namespace MailserverWorkers.Shared.Tests.Configuration;

/// <summary>
/// Files the configuration names, as an unlucky operator names them: a FIFO (which would block the worker before it
/// logs a word), a device, a folder, a missing or unreadable file. Each is one line naming the key and what the path
/// is, exit 2, within the test's time limit.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ConfigurationFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("configuration-file-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("fifo", "'{0}' is a FIFO, not a file")]
    [InlineData("folder", "'{0}' is a folder, not a file")]
    [InlineData("missing", "file '{0}' does not exist")]
    [InlineData("/dev/zero", "'{0}' is a character device, not a file")]
    public async Task ConfigNamingWhatIsNotAFile_IsOneLine(string what, string expected)
    {
        var path = await MakeAsync(what);

        var run = await WorkerProcess.RunAsync("haproxy-health", new Dictionary<string, string>(), ["--config", path], timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"haproxy-health: configuration invalid: --config: {string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path)}", Assert.Single(run.Lines));
    }

    [Theory]
    [InlineData("fifo", "'{0}' is a FIFO, not a file")]
    [InlineData("folder", "'{0}' is a folder, not a file (name the key's file inside it)")]
    [InlineData("/dev/zero", "'{0}' is a character device, not a file")]
    public async Task ASecretFileThatIsNotAFile_IsOneLine(string what, string expected)
    {
        var path = await MakeAsync(what);

        var run = await WorkerProcess.RunAsync("haproxy-health", new Dictionary<string, string> { ["Pushgateway__PasswordFile"] = path }, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"haproxy-health: configuration invalid: Pushgateway__PasswordFile: {string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path)}", Assert.Single(run.Lines));
    }

    [Fact]
    public async Task AKubeconfigThatIsAFifo_IsOneLine_InsteadOfAWorkerBlockedOnItsFirstApiCall()
    {
        var fifo = await MakeAsync("fifo");
        var environment = new Dictionary<string, string>
        {
            ["Retention__Backend"] = "dovecot",
            ["Retention__User"] = "spam@example.test",
            ["Dovecot__Runner"] = "kubernetes",
            ["Kubernetes__Namespace"] = "mail",
            ["Kubernetes__LabelSelector"] = "app=mailserver",
            ["Kubernetes__Kubeconfig"] = fifo,
        };

        var run = await WorkerProcess.RunAsync("spam-retention", environment, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"spam-retention: configuration invalid: Kubernetes__Kubeconfig: '{fifo}' is a FIFO, not a file", Assert.Single(run.Lines));
    }

    [Fact]
    public async Task AConfigTheWorkerMayNotRead_IsOneLine_NotAStackTrace()
    {
        var path = Path.Join(folder, "config.json");
        await File.WriteAllTextAsync(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.None);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);

        var run = await WorkerProcess.RunAsync("haproxy-health", new Dictionary<string, string>(), ["--config", path], timeout: TimeSpan.FromSeconds(30), launcher: WorkerProcess.As("nobody"));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"haproxy-health: configuration invalid: --config: '{path}' cannot be read: Access to the path '{path}' is denied.", Assert.Single(run.Lines));
    }

    private async Task<string> MakeAsync(string what)
    {
        switch (what)
        {
            case "fifo":
                var fifo = Path.Join(folder, "fifo");
                Assert.Equal(0, (await ExternalProgram.RunAsync("mkfifo", [fifo])).ExitCode);
                return fifo;
            case "folder":
                return folder;
            case "missing":
                return Path.Join(folder, "missing.json");
            default:
                return what;
        }
    }
}
