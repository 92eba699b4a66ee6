using System.Reflection;

namespace Stampede.Tool.Templates;

/// <summary>
/// The starter files of <c>stampede new</c>. Each is a real C# file under Templates/Files, embedded in this assembly
/// (not compiled into it); the tests write each one and run it with <c>stampede run</c>.
/// </summary>
internal static class ScenarioTemplates
{
    /// <summary>The template <c>stampede new</c> writes without <c>--template</c>.</summary>
    public const string DefaultName = "http";

    private const string DemoHost = "--host http://127.0.0.1:8080";

    /// <summary>Every template, in the order help lists them.</summary>
    public static IReadOnlyList<ScenarioTemplate> All { get; } =
    [
        new("http", "a JSON API: GET the model's metadata, POST JSON (a base64 image) to /predict, with checks", $"{DemoHost} --users 10 --spawn-rate 2 --run-time 30s --headless"),
        new("images", "an image model: 7 small (224×224) to 3 large (1920×1080) JPEGs posted to /predict", $"{DemoHost} --users 20 --spawn-rate 2 --run-time 1m --headless"),
        new("llm", "a chat model behind an OpenAI-compatible API: POST /v1/chat/completions, streamed and timed token by token", $"{DemoHost} --users 4 --spawn-rate 2 --run-time 30s --headless")
        {
            DemoCommand = "stampede serve-demo --llm",
        },
        new("kserve", "a KServe v2 / Open Inference Protocol model: POST /v2/models/resnet18/infer with image tensors", $"{DemoHost} --users 10 --spawn-rate 2 --run-time 30s --headless"),
        new("grpc", "a KServe v2 model over gRPC (Triton's :8001): ModelInfer with raw tensors and ModelReady, one HTTP/2 connection a user", "--host http://127.0.0.1:8081 --users 10 --spawn-rate 2 --run-time 30s --headless")
        {
            DemoCommand = "stampede serve-demo --grpc-port 8081",
        },
        new("open-model", "arrivals at a fixed rate (--rate, k6's constant-arrival-rate), latency from each intended start", $"{DemoHost} --rate 10 --run-time 1m --headless"),
    ];

    /// <summary>The names, for <c>--template</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(t => t.Name)];

    /// <summary>The template called <paramref name="name"/>, or null.</summary>
    public static ScenarioTemplate? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The file's text for <paramref name="template"/>, written as <paramref name="fileName"/>.</summary>
    /// <param name="template">The template.</param>
    /// <param name="fileName">The file name the comments show in their commands, e.g. <c>mine.cs</c>.</param>
    public static string Render(ScenarioTemplate template, string fileName)
    {
        ArgumentNullException.ThrowIfNull(template);
        string resource = $"Stampede.Tool.Templates.{template.Name}.cs";
        using Stream stream = typeof(ScenarioTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The template resource {resource} is missing from {typeof(ScenarioTemplates).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd()
            .Replace("{{FILE}}", fileName, StringComparison.Ordinal)
            .Replace("{{VERSION}}", StampedeApp.Version, StringComparison.Ordinal);
    }
}
