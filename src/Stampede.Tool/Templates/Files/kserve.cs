// A Stampede load test of a model behind the KServe v2 / Open Inference Protocol (KServe, Triton, Seldon
// MLServer, TorchServe's v2 API): POST /v2/models/MODEL/infer with a JSON tensor, and the model's ready check.
//
// Try it against the bundled demo ML API (it serves ResNet-18 as "resnet18" on http://127.0.0.1:8080):
//   stampede serve-demo                        (in another terminal)
//   stampede run {{FILE}} --host http://127.0.0.1:8080 --users 10 --spawn-rate 2 --run-time 30s --headless
// For your model, change Model, Input and Shape below to what GET /v2/models/MODEL answers.
//
// To run it with `dotnet run {{FILE}} -- --host …` instead, without the stampede tool, reference the library:
// uncomment the #:package line below once the Stampede package is on a NuGet feed you use (a local folder
// feed works: `dotnet nuget add source /path/to/packages`). `stampede run` ignores that line and uses its own.
// #:package Stampede@{{VERSION}}
#:property PublishAot=false
// Server GC: with thousands of users the default GC pauses the generator every second (see docs/gc.md).
#:property ServerGarbageCollection=true
using System.Text.Json;
using Stampede;
using Stampede.Http;

return await StampedeApp.RunAsync(args, typeof(InferenceUser));

/// <summary>A KServe v2 client: mostly inference requests, now and then a readiness check.</summary>
public sealed class InferenceUser : HttpUser
{
    private const string Model = "resnet18";
    private const string Input = "Input247";
    private static readonly int[] Shape = [1, 3, 224, 224];

    // The request body, built once: a seeded FP32 tensor of Shape (150,528 values, about 1 MB of JSON).
    private static readonly byte[] Body = InferRequest();

    public override WaitTime WaitTime => WaitTime.Between(0.5, 1.5);

    [Task(5)]
    public Task Infer() => Client.PostAsync($"/v2/models/{Model}/infer", Payloads.Content(Body, "application/json"), name: "infer", check: HasOutputs);

    [Task(1)]
    public Task Ready() => Client.GetAsync($"/v2/models/{Model}/ready", name: "model ready");

    private static byte[] InferRequest()
    {
        var random = new Random(42);
        float[] data = new float[Shape.Aggregate(1, (product, n) => product * n)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)Math.Round(random.NextDouble() * 4 - 2, 3); // already-normalised pixel values
        }

        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = "stampede",
            inputs = new[] { new { name = Input, shape = Shape, datatype = "FP32", data } },
        });
    }

    // A 200 whose body has no output tensor is a broken answer, not a success.
    private static void HasOutputs(HttpResult result)
    {
        if (result.IsSuccess && result.Json<InferResponse>()?.Outputs is not { Length: > 0 })
        {
            result.Failure("the answer has no outputs");
        }
    }

    private sealed record InferResponse(JsonElement[]? Outputs);
}
