using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Configuration;

namespace MailserverWorkers.Shared.Tests.Configuration;

/// <summary>The one way an enumerated key binds: resolved, then handed to the binder, as a worker reads it.</summary>
public sealed class ConfigurationEnumKeysTests
{
    public sealed class Keys
    {
        public MailSecurity Security { get; set; } = MailSecurity.SslOnConnect;

        public MailSecurity? Optional { get; set; }

        public int Port { get; set; }
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Example");

    private static Keys Bind(string value)
    {
        var keys = new Keys();
        ConfigurationEnumKeys.Resolve<Keys>(Section(new() { ["Example:Security"] = value, ["Example:Port"] = "25" })).Bind(keys);
        return keys;
    }

    [Theory]
    [InlineData("StartTls", MailSecurity.StartTls)]
    [InlineData("starttls", MailSecurity.StartTls)]
    [InlineData("start-tls", MailSecurity.StartTls)]
    [InlineData(" ssl-on-connect ", MailSecurity.SslOnConnect)]
    [InlineData("NONE", MailSecurity.None)]
    public void ANameOrItsKebabForm_Binds(string value, MailSecurity expected)
    {
        var keys = Bind(value);

        Assert.Equal(expected, keys.Security);
        Assert.Equal(25, keys.Port);
        Assert.Null(keys.Optional);
    }

    [Fact]
    public void ANullableEnumKey_IsResolvedToo()
    {
        var keys = new Keys();
        ConfigurationEnumKeys.Resolve<Keys>(Section(new() { ["Example:Optional"] = "start-tls" })).Bind(keys);

        Assert.Equal(MailSecurity.StartTls, keys.Optional);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("None, StartTls")]
    [InlineData("Tls")]
    [InlineData("")]
    public void ANumberACombinationOrAnotherWord_IsRefused_NamingTheKeyAndTheValues(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Bind(value));

        var inner = Assert.IsType<ConfigurationValueException>(e.InnerException);
        Assert.Equal($"'{value}' is not one of none, start-tls, ssl-on-connect", inner.Message);
        Assert.Equal($"Example__Security: '{value}' is not one of none, start-tls, ssl-on-connect", ConfigurationErrors.Describe(e));
    }

    [Fact]
    public void ASectionWithoutEnumeratedValues_IsHandedOnAsItIs()
    {
        var section = Section(new() { ["Example:Port"] = "25" });

        Assert.Same(section, ConfigurationEnumKeys.Resolve<Keys>(section));
    }

    [Fact]
    public void AValueIsWrittenAsItsKeyTakesIt() => Assert.Equal("ssl-on-connect", MailSecurity.SslOnConnect.ToConfigurationValue());
}
