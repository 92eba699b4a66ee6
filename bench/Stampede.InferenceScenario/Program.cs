using System.Buffers.Binary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Stampede;
using Stampede.Http;
using Stampede.Inference;

// One inference request per task, no think time, with a 1x3x224x224 FP32 tensor encoded once as BENCH_PROTOCOL:
// json (KServe v2 JSON), binary (KServe v2 with the binary tensor extension), tfrow or tfcolumns (TF Serving REST),
// grpc (KServe v2 gRPC ModelInfer). BENCH_MODEL, BENCH_INPUT and BENCH_OUTPUT name the model (default: the bench's
// nginx stub, "m", "input", "y"; the demo's resnet18, Input247, Pooling395_Output_0).
// `--grpc-stub PORT` runs the gRPC target instead: one fixed ModelInfer answer to every call, as nginx does for REST.
if (args is ["--grpc-stub", var port])
{
    await GrpcStub.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

return await StampedeApp.RunAsync(args, InferBench.Protocol == "grpc" ? typeof(GrpcBenchUser) : typeof(InferBenchUser));

/// <summary>What every bench user sends: one tensor, encoded once for the protocol asked for.</summary>
internal static class InferBench
{
    public static readonly string Protocol = Environment.GetEnvironmentVariable("BENCH_PROTOCOL") ?? "json";
    public static readonly string Model = Environment.GetEnvironmentVariable("BENCH_MODEL") ?? "m";
    public static readonly string Output = Environment.GetEnvironmentVariable("BENCH_OUTPUT") ?? "y";
    private static readonly string Input = Environment.GetEnvironmentVariable("BENCH_INPUT") ?? "input";

    public static readonly InferPayload Payload = new InferRequest(ImageTensors.Fp32(Input, Images.Small.NextBytes()))
        .Encode(Protocol switch
        {
            "json" => InferProtocol.KServeJson,
            "binary" => InferProtocol.KServeBinary,
            "tfrow" => InferProtocol.TfServingRow,
            "tfcolumns" => InferProtocol.TfServingColumnar,
            "grpc" => InferProtocol.Grpc,
            _ => throw new ArgumentException($"BENCH_PROTOCOL '{Protocol}': give json, binary, tfrow, tfcolumns or grpc."),
        });

    // The answer is read and its output checked, as in a scenario (the bench's nginx answers TF Serving's row
    // format to both TF encodings).
    public static readonly Action<HttpResult> Check = InferChecks.Output(Payload.IsTfServing ? "predictions" : Output);
}

/// <summary>Sends the pre-encoded tensor over REST in a loop.</summary>
internal sealed class InferBenchUser : HttpUser
{
    public override WaitTime WaitTime => WaitTime.Zero;

    [Task]
    public Task Send() => InferBench.Payload.IsKServe
        ? Client.InferAsync(InferBench.Model, InferBench.Payload, name: InferBench.Protocol, check: InferBench.Check)
        : Client.PredictAsync(InferBench.Model, InferBench.Payload, name: InferBench.Protocol, check: InferBench.Check);
}

/// <summary>Sends the pre-encoded tensor over gRPC in a loop.</summary>
internal sealed class GrpcBenchUser : GrpcUser
{
    public override WaitTime WaitTime => WaitTime.Zero;

    [Task]
    public Task Send() => Infer.ModelInferAsync(InferBench.Model, InferBench.Payload, name: InferBench.Protocol, check: InferBench.Check);
}

/// <summary>
/// A plain-text HTTP/2 server that reads and drops each request and answers the bytes of a ModelInferResponse with one
/// FP32 [1,2] output named y, framed as gRPC frames it (a 5-byte prefix), with grpc-status 0 in the trailers.
/// </summary>
internal static class GrpcStub
{
    // ModelInferResponse { model_name: "m", outputs: [{ name: "y", datatype: "FP32", shape: [1, 2] }], raw_output_contents: [8 bytes] },
    // written field by field in protobuf's wire format.
    private static readonly byte[] Answer = Frame([
        0x0A, 0x01, (byte)'m',
        0x2A, 0x0D, 0x0A, 0x01, (byte)'y', 0x12, 0x04, (byte)'F', (byte)'P', (byte)'3', (byte)'2', 0x1A, 0x02, 0x01, 0x02,
        0x32, 0x08, 0xCD, 0xCC, 0xCC, 0x3D, 0x66, 0x66, 0x66, 0x3F,
    ]);

    public static async Task RunAsync(int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.ListenLocalhost(port, l => l.Protocols = HttpProtocols.Http2);
            o.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        WebApplication app = builder.Build();
        app.Run(async context =>
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
            while (await context.Request.Body.ReadAsync(buffer) > 0)
            {
            }

            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(Answer);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.RunAsync();
    }

    private static byte[] Frame(byte[] message)
    {
        byte[] frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }
}
