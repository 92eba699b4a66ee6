using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Stampede.Http;
using Stampede.Inference;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Core.Tests.Inference;

/// <summary>
/// <c>InferAsync</c> and <c>PredictAsync</c> against a loopback server that answers what each test sets: the paths
/// and bodies sent, answers read into <see cref="HttpResult.Inference"/>, and every malformed or mismatched answer a
/// classified failure with its reason.
/// </summary>
public sealed class InferClientTests : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<string, (string Path, string? HeaderLength, byte[] Body)> Seen = new();

    private LoopbackServer _server = null!;
    private Func<HttpContext, Task>? _answer;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync(async context =>
    {
        if (_answer is null || !context.Request.Path.StartsWithSegments("/v1") && !context.Request.Path.StartsWithSegments("/v2"))
        {
            return false;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        Seen[context.Request.Headers["X-Case"].ToString()] = (context.Request.Path.Value!, context.Request.Headers["Inference-Header-Content-Length"].FirstOrDefault(), body.ToArray());
        await _answer(context);
        return true;
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task InferAsync_JsonAnswer_SentToTheModelsInferPathAndReadIntoTheResult()
    {
        _answer = Json("""{"model_name":"m","outputs":[{"name":"scores","shape":[1,3],"datatype":"FP32","data":[0.1,0.7,0.2]}]}""");

        RunResult result = await RunAsync(typeof(JsonUser));

        result.Stats.Failures.ShouldBeEmpty();
        result.Stats.Rows.Single().Key.ShouldBe(new RowKey("POST", "infer m"));
        Seen["json"].Path.ShouldBe("/v2/models/m/infer");
        Seen["json"].HeaderLength.ShouldBeNull();
        Encoding.UTF8.GetString(Seen["json"].Body).ShouldBe("""{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,2]}],"outputs":[{"name":"scores"}]}""");
        JsonUser.Top.ShouldBe(1);
    }

    [Fact]
    public async Task InferAsync_BinaryAnswer_ReadFromTheBytesAfterTheHeader()
    {
        byte[] header = Encoding.UTF8.GetBytes("""{"outputs":[{"name":"scores","shape":[2],"datatype":"FP32","parameters":{"binary_data_size":8}}]}""");
        _answer = async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers["Inference-Header-Content-Length"] = header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.Response.Body.WriteAsync(header.Concat(BitConverter.GetBytes(3f)).Concat(BitConverter.GetBytes(-1f)).ToArray());
        };

        RunResult result = await RunAsync(typeof(BinaryUser));

        result.Stats.Failures.ShouldBeEmpty();
        Seen["binary"].Path.ShouldBe("/v2/models/m/versions/2/infer");
        Seen["binary"].HeaderLength.ShouldNotBeNull();
        int length = int.Parse(Seen["binary"].HeaderLength!, System.Globalization.CultureInfo.InvariantCulture);
        Seen["binary"].Body[length..].ShouldBe(BitConverter.GetBytes(1f).Concat(BitConverter.GetBytes(2f)).ToArray());
        BinaryUser.Values.ShouldBe([3f, -1f]);
    }

    [Fact]
    public async Task PredictAsync_TfServingAnswer_SentToThePredictPathAndRead()
    {
        _answer = Json("""{"predictions":[[0.9,0.1]]}""");

        RunResult result = await RunAsync(typeof(TfUser));

        result.Stats.Failures.ShouldBeEmpty();
        result.Stats.Rows.Single().Key.ShouldBe(new RowKey("POST", "predict m"));
        Seen["tf"].Path.ShouldBe("/v1/models/m:predict");
        Encoding.UTF8.GetString(Seen["tf"].Body).ShouldBe("""{"instances":[[1,2]]}""");
    }

    [Theory]
    [InlineData(200, "not json", "malformed inference answer: the answer is not valid JSON")]
    [InlineData(200, """{"outputs":[{"name":"other","shape":[1],"datatype":"FP32","data":[1]}]}""", "the inference answer has no output 'scores' (it has 'other')")]
    [InlineData(200, """{"outputs":[]}""", "the inference answer has no outputs")]
    [InlineData(200, """{"outputs":[{"name":"scores","shape":[3],"datatype":"FP32","data":[1]}]}""", "malformed inference answer: output 'scores' has 1 values; its shape [3] needs 3")]
    [InlineData(200, """{"outputs":[{"name":"scores","shape":[2],"datatype":"INT64","data":[1,2]}]}""", "output 'scores' is INT64, expected FP32")]
    [InlineData(200, """{"outputs":[{"name":"scores","shape":[3],"datatype":"FP32","data":[1,2,3]}]}""", "output 'scores' has shape [3], expected [1,3]")]
    [InlineData(200, """{"outputs":[{"name":"scores","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""", "output 'scores' has its top-1 at class 2, expected 1")]
    public async Task InferAsync_AnswerThatDoesNotDo_FailsWithTheReason(int status, string body, string reason)
    {
        _answer = Json(body, status);

        RunResult result = await RunAsync(typeof(JsonUser));

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldStartWith(reason);
    }

    [Fact]
    public async Task InferAsync_ServerError_IsTheHttpFailureAndTheBodyIsNotRead()
    {
        _answer = Json("""{"error":"model not ready"}""", StatusCodes.Status503ServiceUnavailable);

        RunResult result = await RunAsync(typeof(JsonUser));

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldStartWith("HTTP 503");
    }

    [Fact]
    public async Task InferAsync_HeaderLengthNotANumber_FailsSayingSo()
    {
        _answer = async context =>
        {
            context.Response.Headers["Inference-Header-Content-Length"] = "lots";
            await context.Response.WriteAsync("{}");
        };

        RunResult result = await RunAsync(typeof(JsonUser));

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe("malformed inference answer: Inference-Header-Content-Length is 'lots', not a byte count");
    }

    [Fact]
    public async Task InferAsync_AnswerLongerThanMaxBody_FailsNamingTheFlag()
    {
        _answer = Json("""{"outputs":[{"name":"scores","shape":[1,3],"datatype":"FP32","data":[0.1,0.7,0.2]}],"padding":"PADDING-PADDING-PADDING"}""");

        RunResult result = await RunAsync(typeof(JsonUser), maxBody: 32);

        result.Stats.Failures.ShouldHaveSingleItem().Error.ShouldBe("the inference answer is longer than --max-body and was cut; raise --max-body to read it");
    }

    [Fact]
    public async Task InferAsync_PayloadOfTheOtherProtocol_RefusedNamingTheRightMethod()
    {
        await RunAsync(typeof(MismatchUser));

        MismatchUser.Messages.Count.ShouldBe(2);
        MismatchUser.Messages[0].ShouldContain("this payload is TfServingRow: encode the request with InferProtocol.KServeJson or KServeBinary, or send it with PredictAsync.");
        MismatchUser.Messages[1].ShouldContain("this payload is KServeJson: encode the request with InferProtocol.TfServingRow or TfServingColumnar, or send it with InferAsync.");
    }

    private async Task<RunResult> RunAsync(Type user, long maxBody = LoadTestOptions.DefaultMaxBodyBytes)
    {
        using var test = new LoadTest(new LoadTestOptions { Host = _server.Address, Users = 1, SpawnRate = 10, MaxBodyBytes = maxBody }, [user]);
        RunResult result = await test.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));
        result.StopReason.ShouldBe(StopReason.AllUsersStopped);
        return result;
    }

    private static Func<HttpContext, Task> Json(string body, int status = StatusCodes.Status200OK) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    };

    internal sealed class JsonUser : HttpUser
    {
        private static readonly InferPayload Payload = new InferRequest(InferTensor.Fp32("x", [1, 2], [1, 2])) { Outputs = ["scores"] }.Encode(InferProtocol.KServeJson);

        public static int Top { get; private set; } = -1;

        public override Task OnStartAsync()
        {
            Client.DefaultRequestHeaders.Add("X-Case", "json");
            return Task.CompletedTask;
        }

        [Task]
        public async Task Infer()
        {
            await Client.InferAsync("m", Payload, check: InferChecks.All(
                InferChecks.Output("scores", TensorDatatype.Fp32, [1, 3]),
                InferChecks.Top1("scores", 1),
                r => Top = r.Inference!.Output("scores")!.ArgMax()));
            throw new StopUserException();
        }
    }

    internal sealed class BinaryUser : HttpUser
    {
        private static readonly InferPayload Payload = new InferRequest(InferTensor.Fp32("x", [2], [1, 2])).Encode(InferProtocol.KServeBinary);

        public static float[] Values { get; private set; } = [];

        public override Task OnStartAsync()
        {
            Client.DefaultRequestHeaders.Add("X-Case", "binary");
            return Task.CompletedTask;
        }

        [Task]
        public async Task Infer()
        {
            await Client.InferAsync("m", Payload, version: "2", check: r => Values = r.Inference?.Outputs[0].ToFloats() ?? []);
            throw new StopUserException();
        }
    }

    internal sealed class MismatchUser : HttpUser
    {
        public static List<string> Messages { get; } = [];

        [Task]
        public Task Send()
        {
            InferRequest request = new(InferTensor.Fp32("x", [1, 2], [1, 2]));
            Messages.Add(Should.Throw<ArgumentException>(() => Client.InferAsync("m", request.Encode(InferProtocol.TfServingRow))).Message);
            Messages.Add(Should.Throw<ArgumentException>(() => Client.PredictAsync("m", request.Encode(InferProtocol.KServeJson))).Message);
            throw new StopUserException();
        }
    }

    internal sealed class TfUser : HttpUser
    {
        private static readonly InferPayload Payload = new InferRequest(InferTensor.Fp32("x", [1, 2], [1, 2])).Encode(InferProtocol.TfServingRow);

        public override Task OnStartAsync()
        {
            Client.DefaultRequestHeaders.Add("X-Case", "tf");
            return Task.CompletedTask;
        }

        [Task]
        public async Task Predict()
        {
            await Client.PredictAsync("m", Payload, check: InferChecks.Output("predictions", shape: [1, 2]));
            throw new StopUserException();
        }
    }
}
