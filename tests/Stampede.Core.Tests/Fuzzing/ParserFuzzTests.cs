using System.Text;
using CsCheck;
using Stampede.Analysis;
using Stampede.Llm;
using Stampede.Monitoring.Prometheus;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Fuzzing;

/// <summary>
/// The parsers of what users and servers hand the generator, fed random and mutated input for a bounded number of
/// cases: each answers or refuses with its documented exception and a message, and none crashes or hangs.
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Cases = 20000;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public Task ThresholdParse_MutatedExpressions_ParseOrRefuseWithTheReason() => WithinBoundAsync(() =>
        Mutations.Of("p95<300ms", "error_rate<1%", "rps>=48", "p99<400ms abort after 10s", "'predict large' p95<1s", "ttft_p95<1s", "avg<=250ms", "p99.9<2s", "failures<10", "goodput>=0.9")
            .Sample(expression => Refuses<ThresholdSyntaxException>(() => Threshold.Parse(expression)), iter: Cases));

    [Fact]
    public Task SloFileParse_MutatedJson_ParsesOrRefusesWithTheReason() => WithinBoundAsync(() =>
        Mutations.Of(
            """{ "objectives": [ { "name": "large images", "row": "predict large", "percent": 99, "under": "400ms" }, { "under": "0.5%" } ] }""",
            """{"objectives":[{"percent":95,"under":"1s"}]}""")
            .Sample(json => Refuses<InvalidDataException>(() => SloFile.Parse(json)), iter: Cases));

    [Fact]
    public Task SloFileParseYaml_MutatedYaml_ParsesOrRefusesWithTheReason() => WithinBoundAsync(() =>
        Mutations.Of(
            "objectives:\n  - name: large images\n    row: predict large\n    percent: 99\n    under: 400ms\n  - under: 0.5%\n",
            "objectives:\n- percent: 95\n  under: 1s\n")
            .Sample(yaml => Refuses<InvalidDataException>(() => SloFile.ParseYaml(yaml)), iter: Cases));

    [Fact]
    public void SloFileParseYaml_AMappingAsAKeyWithoutValue_IsRefusedAsInvalidYaml()
    {
        // The case fuzzing found: YamlDotNet threw an ArgumentException that escaped as a crash.
        string yaml = "3bjectives:\n  - :\n 65 - name: large images\n    row: predict large\n";

        InvalidDataException error = Should.Throw<InvalidDataException>(() => SloFile.ParseYaml(yaml));

        error.Message.ShouldStartWith("The SLO file is not valid YAML");
    }

    [Fact]
    public Task ExpositionParse_MutatedExpositions_NeverThrow() => WithinBoundAsync(() =>
        Mutations.Of(
            "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1234.5\nnode_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 42\n",
            "# TYPE http_request_duration_seconds histogram\nhttp_request_duration_seconds_bucket{le=\"0.1\"} 5\nhttp_request_duration_seconds_bucket{le=\"+Inf\"} 9\nhttp_request_duration_seconds_sum 1.5\nhttp_request_duration_seconds_count 9\n",
            "# TYPE DCGM_FI_DEV_GPU_UTIL gauge\nDCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-1\"} 87 1700000000000\n# EOF\n")
            .Sample(
                text =>
                {
                    ExpositionParser.Parse(text).ShouldNotBeNull();
                    ExpositionParser.Parse(text, openMetrics: true).ShouldNotBeNull();
                    ExpositionParser.Parse(text, openMetrics: false).ShouldNotBeNull();
                },
                iter: Cases));

    [Fact]
    public Task CompletionStreamRead_MutatedEventStreams_NeverThrow() => WithinBoundAsync(() =>
        Mutations.Of(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hello\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\" world\"}}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n",
            ": keep-alive\n\ndata: {\"choices\":[{\"text\":\"Hi\"}]}\r\n\r\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n")
            .Sample(
                text =>
                {
                    using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
                    CompletionStreamResult result = CompletionStream.ReadAsync(stream, TimeProvider.System).GetAwaiter().GetResult();
                    result.ShouldNotBeNull();
                },
                iter: Cases));

    [Fact]
    public Task FeedersCsv_MutatedFiles_LoadOrRefuseWithTheReason() => WithinBoundAsync(() =>
        Mutations.Of("image,label\ncat.jpg,tabby cat\ndog.jpg,\"golden, retriever\"\n", "prompt\n\"say \"\"hi\"\"\"\nhello\n")
            .Sample(text => FromFile(text, ".csv", path => Feeders.Csv(path)), iter: 500));

    [Fact]
    public Task FeedersJsonLines_MutatedFiles_LoadOrRefuseWithTheReason() => WithinBoundAsync(() =>
        Mutations.Of("{\"prompt\":\"hello\",\"max_tokens\":16}\n{\"prompt\":\"bye\"}\n", "{\"a\":[1,2,{\"b\":null}]}\n")
            .Sample(text => FromFile(text, ".jsonl", path => Feeders.JsonLines(path)), iter: 500));

    [Fact]
    public Task InferResponseReadKServe_MutatedAnswers_ReadOrRefuseWithTheReason() => WithinBoundAsync(() =>
        Mutations.Of(
            "{\"model_name\":\"m\",\"id\":\"1\",\"outputs\":[{\"name\":\"y\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[[0.5,2.5]]},{\"name\":\"w\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"cat\"]}]}",
            "{\"outputs\":[{\"name\":\"c\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[3,-1]},{\"name\":\"b\",\"shape\":[2],\"datatype\":\"BOOL\",\"data\":[true,false]}]}")
            .Sample(
                text =>
                {
                    byte[] body = Encoding.UTF8.GetBytes(text);
                    Refuses<Stampede.Inference.InferResponseException>(() => Stampede.Inference.InferResponse.ReadKServe(body));

                    // The same text as a binary answer: the first half the header, the rest its binary data.
                    Refuses<Stampede.Inference.InferResponseException>(() => Stampede.Inference.InferResponse.ReadKServe(body, body.Length / 2));
                },
                iter: Cases));

    [Fact]
    public Task InferResponseReadTfServing_MutatedAnswers_ReadOrRefuseWithTheReason() => WithinBoundAsync(() =>
        Mutations.Of(
            "{\"predictions\":[[0.1,0.9],[0.8,0.2]]}",
            "{\"predictions\":[{\"scores\":[1,2],\"label\":\"cat\"},{\"scores\":[3,4],\"label\":{\"b64\":\"ZG9n\"}}]}",
            "{\"outputs\":{\"scores\":[[1,2]],\"flags\":[[true,false]]}}")
            .Sample(text => Refuses<Stampede.Inference.InferResponseException>(() => Stampede.Inference.InferResponse.ReadTfServing(Encoding.UTF8.GetBytes(text))), iter: Cases));

    /// <summary>Runs <paramref name="parse"/>: it may succeed or throw <typeparamref name="TRefusal"/> with a message; any other exception fails the case.</summary>
    private static void Refuses<TRefusal>(Action parse)
        where TRefusal : Exception
    {
        try
        {
            parse();
        }
        catch (TRefusal refusal)
        {
            refusal.Message.ShouldNotBeNullOrWhiteSpace();
        }
    }

    private static void FromFile(string text, string extension, Action<string> load)
    {
        string path = Path.Combine(Path.GetTempPath(), $"stampede-fuzz-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, text);
        try
        {
            Refuses<InvalidDataException>(() => load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A hang is a failure too: the cases must finish within <see cref="Bound"/>.</summary>
    private static async Task WithinBoundAsync(Action sample) => await Task.Run(sample).WaitAsync(Bound);
}
