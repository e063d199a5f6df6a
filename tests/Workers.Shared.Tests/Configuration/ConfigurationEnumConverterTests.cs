using System.ComponentModel;
using MailserverWorkers.Shared.Configuration;
using MailserverWorkers.Shared.Mail;
using Microsoft.Extensions.Configuration;

namespace MailserverWorkers.Shared.Tests.Configuration;

/// <summary>The one way an enumerated key binds: through the configuration binder, as a worker reads it.</summary>
public sealed class ConfigurationEnumConverterTests
{
    private sealed class Keys
    {
        public MailSecurity Security { get; set; } = MailSecurity.SslOnConnect;
    }

    private static Keys Bind(string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Security"] = value }).Build().Get<Keys>()!;

    [Theory]
    [InlineData("StartTls", MailSecurity.StartTls)]
    [InlineData("starttls", MailSecurity.StartTls)]
    [InlineData("start-tls", MailSecurity.StartTls)]
    [InlineData(" ssl-on-connect ", MailSecurity.SslOnConnect)]
    [InlineData("NONE", MailSecurity.None)]
    public void ANameOrItsKebabForm_Binds(string value, MailSecurity expected) => Assert.Equal(expected, Bind(value).Security);

    [Theory]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("None, StartTls")]
    [InlineData("Tls")]
    [InlineData("")]
    public void ANumberACombinationOrAnotherWord_IsRefused_NamingTheValues(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Bind(value));

        var inner = Assert.IsType<ConfigurationValueException>(e.InnerException);
        Assert.Equal($"'{value}' is not one of none, start-tls, ssl-on-connect", inner.Message);
    }

    [Fact]
    public void AValueIsWrittenAsItsKeyTakesIt() =>
        Assert.Equal("ssl-on-connect", TypeDescriptor.GetConverter(typeof(MailSecurity)).ConvertToInvariantString(MailSecurity.SslOnConnect));
}
