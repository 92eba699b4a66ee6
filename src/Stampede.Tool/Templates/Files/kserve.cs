// A Stampede load test of a model behind the KServe v2 / Open Inference Protocol (KServe, Triton, Seldon
// MLServer, TorchServe's v2 API): POST /v2/models/MODEL/infer with a JSON tensor, and the model's ready check.
//
// Try it against the bundled demo ML API (it serves ResNet-18 as "resnet18" on http://127.0.0.1:8080):
//   stampede serve-demo                        (in another terminal)
//   stampede run {{FILE}} --host http://127.0.0.1:8080 --users 10 --spawn-rate 2 --run-time 30s --headless
// For your model, change Model, Input and Output below to what GET /v2/models/MODEL answers (and the image size
// and layout in ImageTensors.Fp32, or build the tensor with InferTensor.Fp32 and friends).
//
// To run it with `dotnet run {{FILE}} -- --host …` instead, without the stampede tool, reference the library:
// uncomment the #:package line below once the Stampede package is on a NuGet feed you use (a local folder
// feed works: `dotnet nuget add source /path/to/packages`). `stampede run` ignores that line and uses its own.
// #:package Stampede@{{VERSION}}
#:property PublishAot=false
// Server GC: with thousands of users the default GC pauses the generator every second (see docs/gc.md).
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
using Stampede;
using Stampede.Http;
using Stampede.Inference;

return await StampedeApp.RunAsync(args, typeof(InferenceUser));

/// <summary>A KServe v2 client: mostly inference requests, now and then a readiness check.</summary>
public sealed class InferenceUser : HttpUser
{
    private const string Model = "resnet18";
    private const string Input = "Input247";
    private const string Output = "Pooling395_Output_0";

    // The requests, built and encoded once: eight synthetic 224×224 photos as normalised FP32 [1,3,224,224] tensors.
    // InferProtocol.KServeBinary sends the same values as raw bytes (Triton's binary tensor extension) instead of JSON.
    private static readonly InferPayloadPool Requests =
        InferPayloadPool.FromImages(Images.Small, image => new InferRequest(ImageTensors.Fp32(Input, image)) { Outputs = [Output] }, InferProtocol.KServeJson);

    public override WaitTime WaitTime => WaitTime.Between(0.5, 1.5);

    // A 200 whose body has no such output, or another shape, is a broken answer, not a success.
    [Task(5)]
    public Task Infer() => Client.InferAsync(Model, Requests.Next(), name: "infer", check: InferChecks.Output(Output, TensorDatatype.Fp32, [1, 512]));

    [Task(1)]
    public Task Ready() => Client.GetAsync($"/v2/models/{Model}/ready", name: "model ready");
}
