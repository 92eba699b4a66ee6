using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Stampede.Demo.Inference;

namespace Stampede.Demo.Http;

/// <summary>
/// The KServe v2 / Open Inference Protocol routes: health, server and model metadata, and inference in JSON or with
/// the binary tensor data extension (Triton's: a JSON header of <c>Inference-Header-Content-Length</c> bytes, then
/// the raw values; outputs asked for with <c>binary_data</c> come back the same way).
/// </summary>
internal sealed class KServeEndpoints
{
    public const string ModelVersion = "1";
    public const string InferRoute = "/v2/models/" + ResNetModel.Name + "/infer";
    public const string ModelRoute = "/v2/models/" + ResNetModel.Name;

    private readonly WorkerPool _pool;
    private readonly int _maxBodyBytes;

    public KServeEndpoints(WorkerPool pool, int maxBodyBytes)
    {
        _pool = pool;
        _maxBodyBytes = maxBodyBytes;
    }

    /// <summary><c>GET /v2/health/live</c>: 200 while the process serves HTTP.</summary>
    public Task LiveAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, true, static (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("live", true);
            writer.WriteEndObject();
        });

    /// <summary><c>GET /v2/health/ready</c> and <c>GET /v2/models/resnet18/ready</c>: 200 once the model is warmed up, else 503.</summary>
    public Task ReadyAsync(HttpContext context)
    {
        var ready = _pool.Host.IsReady;
        return JsonResponses.WriteAsync(context, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, (ready, _pool.Host.FailureMessage), static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("ready", state.ready);
            if (state.FailureMessage is not null)
            {
                writer.WriteString("error", state.FailureMessage);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary><c>GET /v2</c>: server metadata.</summary>
    public Task ServerMetadataAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, typeof(KServeEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", static (writer, version) =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", "stampede-demo");
            writer.WriteString("version", version);
            writer.WriteStartArray("extensions");
            writer.WriteStringValue("binary_tensor_data");
            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    /// <summary><c>GET /v2/models/resnet18</c>: the model's name, versions, platform, input and output.</summary>
    public Task ModelMetadataAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, true, static (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", ResNetModel.Name);
            writer.WriteStartArray("versions");
            writer.WriteStringValue(ModelVersion);
            writer.WriteEndArray();
            writer.WriteString("platform", "onnxruntime_onnx");
            writer.WriteStartArray("inputs");
            WriteTensorMetadata(writer, ResNetModel.InputName, ResNetModel.PublicInputShape);
            writer.WriteEndArray();
            writer.WriteStartArray("outputs");
            WriteTensorMetadata(writer, ResNetModel.OutputName, ResNetModel.PublicOutputShape);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    /// <summary><c>POST /v2/models/resnet18/infer</c>: one FP32 [1,3,224,224] tensor in, the FP32 [1,512] embedding out.</summary>
    public async Task InferAsync(HttpContext context)
    {
        var received = Stopwatch.GetTimestamp();
        int? headerLength = null;
        if (context.Request.Headers[BinaryTensorData.HeaderName] is { Count: > 0 } lengthHeader)
        {
            if (!int.TryParse(lengthHeader.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
            {
                await JsonResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest,
                    $"{BinaryTensorData.HeaderName} is '{lengthHeader}'; give the JSON header's length in bytes").ConfigureAwait(false);
                return;
            }

            headerLength = length;
        }
        else if (context.Request.ContentType is { Length: > 0 } contentType
            && !(MediaTypeHeaderValue.TryParse(contentType, out var mediaType) && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            await JsonResponses.WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"Content-Type '{contentType}' is not accepted; send the KServe v2 JSON request as application/json, or binary tensor data with the {BinaryTensorData.HeaderName} header").ConfigureAwait(false);
            return;
        }

        using var body = await TensorRoute.ReadBodyAsync(context, _pool, _maxBodyBytes, "the body is empty; send a KServe v2 inference request").ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        var tensor = ArrayPool<float>.Shared.Rent(ResNetModel.InputLength);
        try
        {
            KServeInferRequest request;
            try
            {
                if (headerLength is { } length && length > body.Span.Length)
                {
                    throw new KServeRequestException($"{BinaryTensorData.HeaderName} is {length}, but the body has only {body.Span.Length} bytes");
                }

                request = headerLength is { } json
                    ? KServeRequestParser.Parse(body.Span[..json], tensor, new BinaryTensorData(body.Span[json..]))
                    : KServeRequestParser.Parse(body.Span, tensor);
            }
            catch (KServeRequestException exception)
            {
                await JsonResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, exception.Message).ConfigureAwait(false);
                return;
            }

            if (await TensorRoute.InferAsync(context, _pool, tensor, received).ConfigureAwait(false) is not { } result)
            {
                return;
            }

            if (request.BinaryOutput)
            {
                await WriteBinaryAnswerAsync(context, request.Id, result.Embedding!).ConfigureAwait(false);
                return;
            }

            await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, (request.Id, result.Embedding!), static (writer, state) =>
            {
                writer.WriteStartObject();
                writer.WriteString("model_name", ResNetModel.Name);
                writer.WriteString("model_version", ModelVersion);
                if (state.Id is not null)
                {
                    writer.WriteString("id", state.Id);
                }

                writer.WriteStartArray("outputs");
                writer.WriteStartObject();
                writer.WriteString("name", ResNetModel.OutputName);
                writer.WriteString("datatype", "FP32");
                WriteShape(writer, ResNetModel.PublicOutputShape);
                writer.WriteStartArray("data");
                foreach (var value in state.Item2)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tensor);
        }
    }

    /// <summary>The answer with the binary extension: a JSON header whose output has binary_data_size, then the embedding's bytes.</summary>
    private static async Task WriteBinaryAnswerAsync(HttpContext context, string? id, float[] embedding)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", ResNetModel.Name);
            writer.WriteString("model_version", ModelVersion);
            if (id is not null)
            {
                writer.WriteString("id", id);
            }

            writer.WriteStartArray("outputs");
            writer.WriteStartObject();
            writer.WriteString("name", ResNetModel.OutputName);
            writer.WriteString("datatype", "FP32");
            WriteShape(writer, ResNetModel.PublicOutputShape);
            writer.WriteStartObject("parameters");
            writer.WriteNumber("binary_data_size", embedding.Length * sizeof(float));
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        var values = System.Runtime.InteropServices.MemoryMarshal.AsBytes(embedding.AsSpan()).ToArray();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers[BinaryTensorData.HeaderName] = buffer.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentLength = buffer.WrittenCount + values.Length;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(values, context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteTensorMetadata(Utf8JsonWriter writer, string name, IReadOnlyList<long> shape)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("datatype", "FP32");
        WriteShape(writer, shape);
        writer.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter writer, IReadOnlyList<long> shape)
    {
        writer.WriteStartArray("shape");
        foreach (var dimension in shape)
        {
            writer.WriteNumberValue(dimension);
        }

        writer.WriteEndArray();
    }
}
