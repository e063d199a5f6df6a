using System.Text.Json;
using System.Text.Json.Nodes;
using MailserverWorkers.Testing;

namespace MailserverWorkers.Chart.Tests;

/// <summary>One rendered document: the template it came from, and the object (null for NOTES.txt, whose text is in Text).</summary>
internal sealed record RenderedDocument(string Source, JsonObject? Object, string? Text)
{
    public string Kind => Object?["kind"]?.GetValue<string>() ?? "";

    public string Name => Object?["metadata"]?["name"]?.GetValue<string>() ?? "";
}

/// <summary>
/// Renders charts/mailserver-workers with tests/ChartRender (Go's text/template and sprig from Debian's packages,
/// plus Helm's own functions): Helm's engine without Helm, which cannot be installed here. The harness is built
/// once into .cache/chart-render (scripts/test installs Go and the libraries).
/// </summary>
internal static class ChartRendering
{
    private static readonly Lazy<string> Harness = new(Build);

    public static string ChartDirectory => Path.Join(MailStack.RepositoryRoot(), "charts", "mailserver-workers");

    public static IEnumerable<string> CiValuesFiles() => Directory.GetFiles(Path.Join(ChartDirectory, "ci"), "*-values.yaml").Order(StringComparer.Ordinal);

    /// <summary>Renders with the chart's values.yaml and <paramref name="valuesFiles"/>; throws with the harness's error when rendering fails.</summary>
    public static IReadOnlyList<RenderedDocument> Render(params string[] valuesFiles)
    {
        var (code, output, error) = Run(Harness.Value, ["-chart", ChartDirectory, "-name", "mw", "-namespace", "monitoring", "-json", .. valuesFiles.SelectMany(f => new[] { "-values", f })]);
        if (code != 0)
        {
            throw new ChartRenderException(error.Trim());
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var node = JsonNode.Parse(line)!.AsObject();
            return new RenderedDocument(node["source"]!.GetValue<string>(), node["object"]?.AsObject(), node["text"]?.GetValue<string>());
        }).ToList();
    }

    /// <summary>The chart's values merged with <paramref name="valuesFiles"/>, as JSON (what Helm validates against the schema).</summary>
    public static string MergedValues(params string[] valuesFiles)
    {
        var (code, output, error) = Run(Harness.Value, ["-chart", ChartDirectory, "-print-values", .. valuesFiles.SelectMany(f => new[] { "-values", f })]);
        return code == 0 ? output : throw new ChartRenderException(error.Trim());
    }

    /// <summary>A values file with <paramref name="yaml"/>, deleted by the caller.</summary>
    public static string ValuesFile(string yaml)
    {
        var path = Path.Join(Path.GetTempPath(), $"chart-values-{Guid.NewGuid():n}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string Build()
    {
        var root = MailStack.RepositoryRoot();
        var binary = Path.Join(root, ".cache", "chart-render");
        var source = Path.Join(root, "tests", "ChartRender", "main.go");
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= File.GetLastWriteTimeUtc(source))
        {
            return binary;
        }

        // GOPATH mode against Debian's packaged libraries: nothing is downloaded.
        var (code, _, error) = Run("go", ["build", "-o", binary, "."], Path.Join(root, "tests", "ChartRender"),
            new Dictionary<string, string> { ["GOPATH"] = "/usr/share/gocode", ["GO111MODULE"] = "off", ["GOFLAGS"] = "", ["GOCACHE"] = Path.Join(root, ".cache", "go-build") });
        return code == 0 ? binary : throw new InvalidOperationException($"building tests/ChartRender failed (scripts/test installs golang-go and sprig): {error}");
    }

    public static (int Code, string Output, string Error) Run(string program, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = ExternalProgram.Run(program, arguments, workingDirectory, environment);
        return (run.ExitCode, run.Output, run.Error);
    }

    /// <summary>An object as JSON text, for the typed models.</summary>
    public static string Json(JsonObject node) => node.ToJsonString(new JsonSerializerOptions());
}

internal sealed class ChartRenderException(string message) : Exception(message);
