using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Stampede.Demo.Inference;

namespace Stampede.Demo.Http;

/// <summary>
/// TensorFlow Serving's REST API for the same model: <c>GET /v1/models/resnet18</c> (version status),
/// <c>GET /v1/models/resnet18/metadata</c> (the signature) and
/// <c>POST /v1/models/resnet18:predict</c> in the row format (<c>{"instances": [tensor]}</c>, one [3,224,224]
/// instance) or the columnar format (<c>{"inputs": tensor}</c>, [1,3,224,224]); a named input (<c>{"NAME": tensor}</c>)
/// is accepted in both. Answers <c>{"predictions": [[512 values]]}</c> or <c>{"outputs": [[…]]}</c>, errors as
/// <c>{"error": "…"}</c>, on the same workers and queue as every other route.
/// </summary>
internal sealed class TfServingEndpoints
{
    public const string ModelRoute = "/v1/models/" + ResNetModel.Name;
    public const string PredictRoute = ModelRoute + ":predict";
    public const string MetadataRoute = ModelRoute + "/metadata";

    private readonly WorkerPool _pool;
    private readonly int _maxBodyBytes;

    public TfServingEndpoints(WorkerPool pool, int maxBodyBytes)
    {
        _pool = pool;
        _maxBodyBytes = maxBodyBytes;
    }

    /// <summary><c>GET /v1/models/resnet18</c>: the one version, AVAILABLE once the model is warmed up, LOADING before.</summary>
    public Task StatusAsync(HttpContext context)
    {
        var host = _pool.Host;
        var state = host.IsReady ? "AVAILABLE" : host.FailureMessage is null ? "LOADING" : "END";
        return JsonResponses.WriteAsync(context, StatusCodes.Status200OK, (state, host.FailureMessage), static (writer, s) =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("model_version_status");
            writer.WriteStartObject();
            writer.WriteString("version", KServeEndpoints.ModelVersion);
            writer.WriteString("state", s.state);
            writer.WriteStartObject("status");
            writer.WriteString("error_code", s.FailureMessage is null ? "OK" : "UNAVAILABLE");
            writer.WriteString("error_message", s.FailureMessage ?? string.Empty);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>GET /v1/models/resnet18/metadata</c>: the <c>serving_default</c> signature as TF Serving describes one (dtype
    /// and dimensions of the input and output; sizes as strings, as TF Serving's JSON writes int64).
    /// </summary>
    public Task MetadataAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, true, static (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("model_spec");
            writer.WriteString("name", ResNetModel.Name);
            writer.WriteString("signature_name", string.Empty);
            writer.WriteString("version", KServeEndpoints.ModelVersion);
            writer.WriteEndObject();
            writer.WriteStartObject("metadata");
            writer.WriteStartObject("signature_def");
            writer.WriteStartObject("signature_def");
            writer.WriteStartObject("serving_default");
            WriteTensors(writer, "inputs", ResNetModel.InputName, ResNetModel.PublicInputShape);
            WriteTensors(writer, "outputs", ResNetModel.OutputName, ResNetModel.PublicOutputShape);
            writer.WriteString("method_name", "tensorflow/serving/predict");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    /// <summary><c>POST /v1/models/resnet18:predict</c>.</summary>
    public async Task PredictAsync(HttpContext context)
    {
        var received = Stopwatch.GetTimestamp();
        using var body = await TensorRoute.ReadBodyAsync(context, _pool, _maxBodyBytes, "the body is empty; send {\"instances\": [...]} or {\"inputs\": ...}").ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        var tensor = ArrayPool<float>.Shared.Rent(ResNetModel.InputLength);
        try
        {
            bool rows;
            try
            {
                rows = Parse(body.Span, tensor);
            }
            catch (KServeRequestException exception)
            {
                await JsonResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, exception.Message).ConfigureAwait(false);
                return;
            }
            catch (JsonException exception)
            {
                await JsonResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"the body is not valid JSON: {exception.Message}").ConfigureAwait(false);
                return;
            }

            if (await TensorRoute.InferAsync(context, _pool, tensor, received).ConfigureAwait(false) is not { } result)
            {
                return;
            }

            await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, (rows, result.Embedding!), static (writer, state) =>
            {
                writer.WriteStartObject();
                writer.WriteStartArray(state.rows ? "predictions" : "outputs");
                writer.WriteStartArray();
                foreach (var value in state.Item2)
                {
                    writer.WriteNumberValue(value);
                }

                writer.WriteEndArray();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tensor);
        }
    }

    private static void WriteTensors(Utf8JsonWriter writer, string property, string name, IReadOnlyList<long> shape)
    {
        writer.WriteStartObject(property);
        writer.WriteStartObject(name);
        writer.WriteString("dtype", "DT_FLOAT");
        writer.WriteStartObject("tensor_shape");
        writer.WriteStartArray("dim");
        foreach (var size in shape)
        {
            writer.WriteStartObject();
            writer.WriteString("size", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("name", string.Empty);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("unknown_rank", false);
        writer.WriteEndObject();
        writer.WriteString("name", name + ":0");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Reads the request's one image tensor into <paramref name="data"/>; true for the row format.</summary>
    internal static bool Parse(ReadOnlySpan<byte> json, float[] data)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new KServeRequestException("the body must be a JSON object with \"instances\" or \"inputs\"");
        }

        bool? rows = null;
        var count = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("instances"u8))
            {
                reader.Read();
                rows = true;
                count = ParseInstances(ref reader, data);
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                rows = false;
                count = ParseTensor(ref reader, data);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (rows is not { } format)
        {
            throw new KServeRequestException("the body has neither \"instances\" (row format) nor \"inputs\" (columnar format)");
        }

        if (count != ResNetModel.InputLength)
        {
            throw new KServeRequestException(
                $"the image tensor has {count} values; model '{ResNetModel.Name}' takes {ResNetModel.InputLength} ({(format ? "one instance of [3,224,224]" : "[1,3,224,224]")})");
        }

        return format;
    }

    private static int ParseInstances(ref Utf8JsonReader reader, float[] data)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new KServeRequestException("\"instances\" must be an array, one entry per image");
        }

        var instances = 0;
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (++instances > 1)
            {
                throw new KServeRequestException($"model '{ResNetModel.Name}' takes one instance a request (batch size 1)");
            }

            count = ParseTensor(ref reader, data);
        }

        return instances == 0 ? throw new KServeRequestException("\"instances\" is empty; send one image tensor") : count;
    }

    /// <summary>A nested array of numbers, or an object with one named input holding one.</summary>
    private static int ParseTensor(ref Utf8JsonReader reader, float[] data)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            var count = -1;
            var inputs = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (++inputs > 1)
                {
                    throw new KServeRequestException($"model '{ResNetModel.Name}' takes one input; the request names more");
                }

                reader.Read();
                count = KServeRequestParser.ParseData(ref reader, data);
            }

            return count;
        }

        return KServeRequestParser.ParseData(ref reader, data);
    }
}
