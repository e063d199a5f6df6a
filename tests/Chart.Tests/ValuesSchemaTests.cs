using System.Text.Json;

namespace MailserverWorkers.Chart.Tests;

/// <summary>
/// values.schema.json, as Helm applies it to the merged values at install: every ci values file passes, a typo or a
/// wrong type fails with the key named. Checked with Debian's python3-jsonschema (draft-07, which every Helm 3 validates).
/// </summary>
public sealed class ValuesSchemaTests
{
    public static TheoryData<string> ValuesFiles() => new(ChartRendering.CiValuesFiles().Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(ValuesFiles))]
    public void EveryCiValuesFile_Validates(string valuesFile) =>
        Assert.Equal("", Validate(Path.Join(ChartRendering.ChartDirectory, "ci", valuesFile)));

    [Theory]
    [InlineData("roundtripProbe:\n  shedule: '*/5 * * * *'\n", "'shedule' was unexpected")]
    [InlineData("backupRunner:\n  jobs:\n    - {name: mail, schedule: '0 3 * * *', sources: [{name: data, existingClaim: x}], podAffinity: {app: mail}, destination: {}}\n", "destination")]
    [InlineData("haproxyHealth:\n  targets:\n    smtp: {host: h, port: 25, proxy: v3}\n", "'v3' is not one of")]
    [InlineData("roundtripProbe:\n  image: {digest: latest}\n", "'latest' does not match")]
    public void AMistake_IsRefused_NamingWhere(string yaml, string expected)
    {
        var file = ChartRendering.ValuesFile(yaml);
        try
        {
            Assert.Contains(expected, Validate(Path.Join(ChartRendering.ChartDirectory, "ci", "minimal-values.yaml"), file), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AsADependencyOfAnUmbrellaChart_GlobalAndEnabledAreAccepted_AndChangeNothing()
    {
        // What Helm 3 hands a dependency: the parent's `global` copied into the subchart's values, and the key its
        // `condition: mailserver-workers.enabled` reads. Both used to fail the strict schema ("Additional property
        // global is not allowed", helm #10392). A mistyped top-level key is still refused.
        var example = Path.Join(ChartRendering.ChartDirectory, "ci", "docker-mailserver-values.yaml");
        var asDependency = ChartRendering.ValuesFile("global:\n  imageRegistry: registry.example\n  storageClass: fast\nenabled: true\n");
        var typo = ChartRendering.ValuesFile("globals: {}\n");
        try
        {
            Assert.Equal("", Validate(example, asDependency));
            Assert.Contains("'globals' was unexpected", Validate(example, typo), StringComparison.Ordinal);
            static IEnumerable<string> Objects(IEnumerable<RenderedDocument> documents) => documents.Select(d => d.Object?.ToJsonString() ?? d.Text ?? "");
            Assert.Equal(Objects(ChartRendering.Render(example)), Objects(ChartRendering.Render(example, asDependency)));
        }
        finally
        {
            File.Delete(asDependency);
            File.Delete(typo);
        }
    }

    /// <summary>The schema's errors for the merged values (empty when valid).</summary>
    private static string Validate(params string[] valuesFiles)
    {
        var values = ChartRendering.MergedValues(valuesFiles);
        var input = Path.Join(Path.GetTempPath(), $"merged-values-{Guid.NewGuid():n}.json");
        File.WriteAllText(input, values);
        try
        {
            const string Script = """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1])); values = json.load(open(sys.argv[2]))
                for e in jsonschema.Draft7Validator(schema).iter_errors(values):
                    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
                """;
            var (code, output, error) = ChartRendering.Run("/usr/bin/python3", ["-c", Script, Path.Join(ChartRendering.ChartDirectory, "values.schema.json"), input]);
            Assert.True(code == 0, error);
            return output.Trim();
        }
        finally
        {
            File.Delete(input);
        }
    }
}
