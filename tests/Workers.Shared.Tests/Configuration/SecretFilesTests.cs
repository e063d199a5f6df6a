using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailserverWorkers.Shared.Tests.Configuration;

public sealed class SecretFilesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("secrets").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private string Write(string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Read_SetsTheSecret_FromItsFile_WithoutTheTrailingLineBreak()
    {
        var config = Config(new()
        {
            ["Smtp:PasswordFile"] = Write("smtp", "s3cret\n"),
            ["Brevo:ApiKeyFile"] = Write("brevo", "xkeysib-1\r\n"),
            ["Pushgateway:BearerTokenFile"] = Write("token", "tok en"),
        });

        var secrets = SecretFiles.Read(config);

        Assert.Equal("s3cret", secrets["Smtp:Password"]);
        Assert.Equal("xkeysib-1", secrets["Brevo:ApiKey"]);
        Assert.Equal("tok en", secrets["Pushgateway:BearerToken"]);
    }

    [Fact]
    public void Read_IgnoresFileKeysThatAreNotSecrets()
    {
        Assert.Empty(SecretFiles.Read(Config(new() { ["Tls:CaFile"] = "/etc/ca.pem", ["Backup:LogFile"] = "/x" })));
    }

    [Fact]
    public void Read_RefusesBothTheValueAndTheFile()
    {
        var config = Config(new() { ["Imap:Password"] = "a", ["Imap:PasswordFile"] = Write("imap", "b") });

        var error = Assert.Throws<WorkerConfigurationException>(() => SecretFiles.Read(config));

        Assert.Equal("Imap__PasswordFile: set either Imap__Password or Imap__PasswordFile, not both", error.Message);
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("empty", "is empty")]
    [InlineData("large", "bytes; a secret file holds at most 65536")]
    [InlineData("folder", "is a folder, not a file (name the key's file inside it)")]
    public void Read_NamesTheKey_WhenTheFileIsUnusable(string kind, string expected)
    {
        var path = kind switch
        {
            "missing" => Path.Combine(directory, "nope"),
            "folder" => directory,
            "empty" => Write("empty", "\n"),
            _ => Write("large", new string('x', 70_000)),
        };

        var error = Assert.Throws<WorkerConfigurationException>(() => SecretFiles.Read(Config(new() { ["Smtp:PasswordFile"] = path })));

        Assert.StartsWith("Smtp__PasswordFile: ", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
