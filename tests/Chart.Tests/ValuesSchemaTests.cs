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
