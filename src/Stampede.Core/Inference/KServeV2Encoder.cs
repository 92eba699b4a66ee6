using System.Buffers;
using System.Text.Json;

namespace Stampede.Inference;

/// <summary>
/// Writes KServe v2 / Open Inference Protocol REST requests: all JSON, or a JSON header followed by the inputs' raw
/// bytes (the binary tensor data extension as Triton specifies it: each input's <c>parameters.binary_data_size</c>,
/// the header's length in <c>Inference-Header-Content-Length</c>, the data in input order).
/// </summary>
internal static class KServeV2Encoder
{
    public const string JsonContentType = "application/json";
    public const string BinaryContentType = "application/octet-stream";

    public static InferPayload Json(InferRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(EstimateJson(request));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteHeader(writer, request, binary: false);
        }

        return new InferPayload(InferProtocol.KServeJson, buffer.WrittenSpan.ToArray(), JsonContentType, null, request.Outputs);
    }

    public static InferPayload Binary(InferRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteHeader(writer, request, binary: true);
        }

        int headerLength = buffer.WrittenCount;
        long total = headerLength + request.Inputs.Sum(i => (long)i.Data.Length);
        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"The request's tensors come to {total} bytes, more than one request body can hold.", nameof(request));
        }

        byte[] body = new byte[total];
        buffer.WrittenSpan.CopyTo(body);
        int at = headerLength;
        foreach (InferTensor input in request.Inputs)
        {
            input.Data.Span.CopyTo(body.AsSpan(at));
            at += input.Data.Length;
        }

        return new InferPayload(InferProtocol.KServeBinary, body, BinaryContentType, headerLength, request.Outputs);
    }

    private static void WriteHeader(Utf8JsonWriter writer, InferRequest request, bool binary)
    {
        writer.WriteStartObject();
        if (request.Id is not null)
        {
            writer.WriteString("id", request.Id);
        }

        bool allBinary = binary && request.Outputs.Count == 0;
        if (request.Parameters.Count > 0 || allBinary)
        {
            TensorJson.WriteParameters(writer, request.Parameters, allBinary ? "binary_data_output" : null, allBinary ? true : null);
        }

        writer.WriteStartArray("inputs");
        foreach (InferTensor input in request.Inputs)
        {
            writer.WriteStartObject();
            writer.WriteString("name", input.Name);
            writer.WriteStartArray("shape");
            foreach (long dimension in input.Shape)
            {
                writer.WriteNumberValue(dimension);
            }

            writer.WriteEndArray();
            writer.WriteString("datatype", input.Datatype.Name());
            if (binary)
            {
                TensorJson.WriteParameters(writer, input.Parameters, "binary_data_size", (long)input.Data.Length);
            }
            else
            {
                if (input.Parameters.Count > 0)
                {
                    TensorJson.WriteParameters(writer, input.Parameters);
                }

                writer.WritePropertyName("data");
                TensorJson.WriteFlat(writer, input);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (request.Outputs.Count > 0)
        {
            writer.WriteStartArray("outputs");
            foreach (string output in request.Outputs)
            {
                writer.WriteStartObject();
                writer.WriteString("name", output);
                if (binary)
                {
                    writer.WriteStartObject("parameters");
                    writer.WriteBoolean("binary_data", true);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    // About 10 characters a number: enough that a 1x3x224x224 tensor is written without growing the buffer often.
    private static int EstimateJson(InferRequest request) =>
        (int)Math.Min(Array.MaxLength, 256 + request.Inputs.Sum(i => i.Datatype == TensorDatatype.Bytes ? i.Data.Length * 2L : i.ElementCount * 10L));
}
