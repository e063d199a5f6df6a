using System.ComponentModel.DataAnnotations;
using MailserverWorkers.Shared.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailserverWorkers.Shared.Tests.Configuration;

public sealed class SectionValidatorTests
{
    public sealed class ExampleOptions : IValidatableObject
    {
        [Required]
        public string Host { get; set; } = "";

        [Range(1, 65535)]
        public int Port { get; set; } = 25;

        public string? Password { get; set; }

        public int Min { get; set; }

        public int Max { get; set; } = 10;

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Min > Max)
            {
                yield return new ValidationResult($"must not exceed Max ({Min} > {Max})", [nameof(Min)]);
            }
        }
    }

    private static (SectionValidator<ExampleOptions> Validator, ExampleOptions Options) Bind(Dictionary<string, string?> values)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new ExampleOptions();
        config.GetSection("Example").Bind(options);
        return (new SectionValidator<ExampleOptions>(config, "Example"), options);
    }

    [Theory]
    [InlineData("Example:Port", "0", "Example__Port: The field Port must be between 1 and 65535.")]
    [InlineData("Example:Host", "", "Example__Host: The Host field is required.")]
    [InlineData("Example:Min", "11", "Example__Min: must not exceed Max (11 > 10)")]
    [InlineData("Example:Hots", "x", "Example__Hots: unknown key (known keys: Host, Max, Min, Password, Port)")]
    public void Validate_NamesTheKeyAsTheEnvironmentSpellsIt(string key, string value, string expected)
    {
        var values = new Dictionary<string, string?> { ["Example:Host"] = "mail", [key] = value };
        var (validator, options) = Bind(values);

        var result = validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal([expected], result.Failures);
    }

    [Fact]
    public void Validate_AcceptsTheFileFormOfASecret()
    {
        var (validator, options) = Bind(new() { ["Example:Host"] = "mail", ["Example:PasswordFile"] = "/run/secrets/p" });

        Assert.True(validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_DoesNotAcceptTheFileFormOfANonSecret()
    {
        var (validator, options) = Bind(new() { ["Example:Host"] = "mail", ["Example:HostFile"] = "/x" });

        Assert.StartsWith("Example__HostFile: unknown key", Assert.Single(validator.Validate(null, options).Failures!));
    }
}
