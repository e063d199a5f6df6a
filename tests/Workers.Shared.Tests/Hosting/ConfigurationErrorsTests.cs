using MailserverWorkers.Shared.Hosting;
using Microsoft.Extensions.Configuration;

namespace MailserverWorkers.Shared.Tests.Hosting;

public sealed class ConfigurationErrorsTests
{
    private sealed class Typed
    {
        public int Port { get; set; }

        public TimeSpan Timeout { get; set; }

        public DayOfWeek Day { get; set; }

        public bool Enabled { get; set; }
    }

    [Theory]
    [InlineData("Port", "x", "Section__Port: cannot be read as a whole number")]
    [InlineData("Timeout", "5m", "Section__Timeout: cannot be read as a duration (hh:mm:ss)")]
    [InlineData("Day", "Someday", "Section__Day: cannot be read as a DayOfWeek (see --help for the allowed values)")]
    [InlineData("Enabled", "yes", "Section__Enabled: cannot be read as true or false")]
    public void Describe_TurnsTheBindersError_IntoOneLineNamingTheKey_WithoutTheValue(string key, string value, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Section:" + key] = value }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => config.GetSection("Section").Get<Typed>());

        Assert.Equal(expected, ConfigurationErrors.Describe(error));
    }

    [Fact]
    public void Describe_ReturnsNull_ForOtherErrors()
    {
        Assert.Null(ConfigurationErrors.Describe(new InvalidOperationException("Sequence contains no elements")));
        Assert.Null(ConfigurationErrors.Describe(new IOException("disk full")));
    }
}
