using Stampede;
using Stampede.Inference;

// One inference request per task, no think time, with a 1x3x224x224 FP32 tensor encoded once as BENCH_PROTOCOL:
// json (KServe v2 JSON), binary (KServe v2 with the binary tensor extension), tfrow or tfcolumns (TF Serving REST).
return await StampedeApp.RunAsync(args, typeof(InferBenchUser));

/// <summary>
/// Sends the same pre-encoded tensor in a loop; the answer is read and its output checked, as in a scenario (the bench's
/// nginx answers TF Serving's row format to both TF encodings).
/// </summary>
internal sealed class InferBenchUser : HttpUser
{
    private static readonly string Protocol = Environment.GetEnvironmentVariable("BENCH_PROTOCOL") ?? "json";

    private static readonly InferPayload Payload = new InferRequest(ImageTensors.Fp32("input", Images.Small.NextBytes()))
        .Encode(Protocol switch
        {
            "json" => InferProtocol.KServeJson,
            "binary" => InferProtocol.KServeBinary,
            "tfrow" => InferProtocol.TfServingRow,
            "tfcolumns" => InferProtocol.TfServingColumnar,
            _ => throw new ArgumentException($"BENCH_PROTOCOL '{Protocol}': give json, binary, tfrow or tfcolumns."),
        });

    public override WaitTime WaitTime => WaitTime.Zero;

    [Task]
    public Task Send() => Payload.IsKServe
        ? Client.InferAsync("m", Payload, name: Protocol, check: InferChecks.Output("y", shape: [1, 2]))
        : Client.PredictAsync("m", Payload, name: Protocol, check: InferChecks.Output("predictions", shape: [1, 2]));
}
