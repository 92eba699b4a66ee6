#:project ../src/Stampede/Stampede.csproj
#:property PublishAot=false
#:property ServerGarbageCollection=true
#:property GarbageCollectionAdaptationMode=0
// A model behind TensorFlow Serving's REST API, here the bundled demo's ResNet-18 (which answers the same routes):
//   stampede serve-demo                                            (another terminal)
//   stampede run examples/tfserving-rest.cs --host http://127.0.0.1:8080 --users 10 --spawn-rate 5 --run-time 1m --headless
// Seven requests in ten use the row format ({"instances": [...]}, one entry per image), three the columnar format
// ({"inputs": ...}); now and then a user asks for the model's status. For your model, change Model and Input, and
// the layout: Keras models take channels last (TensorLayout.Nhwc) (docs/inference-protocols.md).
using Stampede;
using Stampede.Http;
using Stampede.Inference;

return await StampedeApp.RunAsync(args, typeof(TfServingUser));

/// <summary>Sends the eight synthetic 224×224 photos of <see cref="Images.Small"/> as normalised FP32 tensors.</summary>
public sealed class TfServingUser : HttpUser
{
    private const string Model = "resnet18";
    private const string Input = "Input247";

    private static readonly InferPayloadPool Rows = Pool(InferProtocol.TfServingRow);
    private static readonly InferPayloadPool Columns = Pool(InferProtocol.TfServingColumnar);

    public override WaitTime WaitTime => WaitTime.Between(0.5, 1.5);

    [Task(7)]
    public Task PredictRows() => Client.PredictAsync(Model, Rows.Next(), name: "predict instances", check: InferChecks.Output("predictions", shape: [1, 512]));

    [Task(3)]
    public Task PredictColumns() => Client.PredictAsync(Model, Columns.Next(), name: "predict inputs", check: InferChecks.Output("outputs", shape: [1, 512]));

    [Task(1)]
    public Task Status() => Client.GetAsync($"/v1/models/{Model}", name: "model status", check: IsAvailable);

    private static void IsAvailable(HttpResult result)
    {
        if (result.IsSuccess && !result.Text.Contains("\"AVAILABLE\"", StringComparison.Ordinal))
        {
            result.Failure("the model is not AVAILABLE");
        }
    }

    private static InferPayloadPool Pool(InferProtocol protocol) =>
        InferPayloadPool.FromImages(Images.Small, image => new InferRequest(ImageTensors.Fp32(Input, image)), protocol);
}
