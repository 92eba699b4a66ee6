#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
// A model behind the KServe v2 / Open Inference Protocol REST API (KServe, Triton, Seldon MLServer, TorchServe's v2
// API), here the bundled demo's ResNet-18:
//   stampede serve-demo                                            (another terminal)
//   stampede run examples/kserve-v2-rest.cs --host http://127.0.0.1:8080 --users 10 --spawn-rate 5 --run-time 1m --headless
// Seven requests in ten carry the tensor as JSON numbers, three with the binary tensor extension (the same values as
// raw little-endian bytes after a small JSON header): compare the two rows to see what JSON costs the server.
// For your model, change Model, Input and Output to what GET /v2/models/MODEL answers (docs/inference-protocols.md).
using Stampede;
using Stampede.Http;
using Stampede.Inference;

return await StampedeApp.RunAsync(args, typeof(KServeUser));

/// <summary>Sends the eight synthetic 224×224 photos of <see cref="Images.Small"/> as normalised FP32 tensors.</summary>
public sealed class KServeUser : HttpUser
{
    private const string Model = "resnet18";
    private const string Input = "Input247";
    private const string Output = "Pooling395_Output_0";

    // Each image becomes a [1,3,224,224] tensor and is encoded once per format, before the run: nothing is
    // serialised on the request path.
    private static readonly InferPayloadPool Json = Pool(InferProtocol.KServeJson);
    private static readonly InferPayloadPool Binary = Pool(InferProtocol.KServeBinary);

    // An answer without the embedding, or with another shape, is a failure even when the status is 200.
    private static readonly Action<HttpResult> IsEmbedding = InferChecks.Output(Output, TensorDatatype.Fp32, [1, 512]);

    public override WaitTime WaitTime => WaitTime.Between(0.5, 1.5);

    [Task(7)]
    public Task InferJson() => Client.InferAsync(Model, Json.Next(), name: "infer json", check: IsEmbedding);

    [Task(3)]
    public Task InferBinary() => Client.InferAsync(Model, Binary.Next(), name: "infer binary", check: IsEmbedding);

    private static InferPayloadPool Pool(InferProtocol protocol) =>
        InferPayloadPool.FromImages(Images.Small, image => new InferRequest(ImageTensors.Fp32(Input, image)) { Outputs = [Output] }, protocol);
}
