using System.Buffers;
using System.Text.Json;

namespace Stampede.Inference;

/// <summary>
/// Writes TensorFlow Serving REST <c>predict</c> requests: the row format (<c>"instances"</c>, one entry per element
/// of the batch dimension; an object of named inputs when there are several) or the columnar format
/// (<c>"inputs"</c>, each input whole). BYTES values are written as <c>{"b64": …}</c>, as TF Serving reads binary strings.
/// </summary>
internal static class TfServingEncoder
{
    public static InferPayload Encode(InferRequest request, InferProtocol format)
    {
        bool rows = format == InferProtocol.TfServingRow;
        if (rows)
        {
            CheckBatch(request);
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (request.SignatureName is not null)
            {
                writer.WriteString("signature_name", request.SignatureName);
            }

            if (rows)
            {
                WriteInstances(writer, request);
            }
            else
            {
                WriteInputs(writer, request);
            }

            writer.WriteEndObject();
        }

        return new InferPayload(format, buffer.WrittenSpan.ToArray(), KServeV2Encoder.JsonContentType, null, request.Outputs);
    }

    private static void WriteInstances(Utf8JsonWriter writer, InferRequest request)
    {
        long batch = request.Inputs[0].Shape[0];
        var offsets = new long[request.Inputs.Count];
        IReadOnlyList<byte[]>?[] strings = [.. request.Inputs.Select(i => i.Datatype == TensorDatatype.Bytes ? i.ByteStrings() : null)];
        long[][] inner = [.. request.Inputs.Select(i => i.Shape.Skip(1).ToArray())];
        bool named = request.Inputs.Count > 1;
        writer.WriteStartArray("instances");
        for (long b = 0; b < batch; b++)
        {
            if (named)
            {
                writer.WriteStartObject();
            }

            for (int i = 0; i < request.Inputs.Count; i++)
            {
                InferTensor input = request.Inputs[i];
                if (named)
                {
                    writer.WritePropertyName(input.Name);
                }

                TensorJson.WriteNested(writer, input, inner[i], ref offsets[i], strings[i]);
            }

            if (named)
            {
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteInputs(Utf8JsonWriter writer, InferRequest request)
    {
        bool named = request.Inputs.Count > 1;
        writer.WritePropertyName("inputs");
        if (named)
        {
            writer.WriteStartObject();
        }

        foreach (InferTensor input in request.Inputs)
        {
            if (named)
            {
                writer.WritePropertyName(input.Name);
            }

            long offset = 0;
            TensorJson.WriteNested(writer, input, [.. input.Shape], ref offset, input.Datatype == TensorDatatype.Bytes ? input.ByteStrings() : null);
        }

        if (named)
        {
            writer.WriteEndObject();
        }
    }

    private static void CheckBatch(InferRequest request)
    {
        InferTensor? scalar = request.Inputs.FirstOrDefault(i => i.Shape.Count == 0);
        if (scalar is not null)
        {
            throw new ArgumentException($"Input '{scalar.Name}' is a scalar; TF Serving's row format splits inputs along their first (batch) dimension: use InferProtocol.TfServingColumnar.", nameof(request));
        }

        long batch = request.Inputs[0].Shape[0];
        InferTensor? other = request.Inputs.FirstOrDefault(i => i.Shape[0] != batch);
        if (other is not null)
        {
            throw new ArgumentException(
                $"Inputs '{request.Inputs[0].Name}' and '{other.Name}' have batch sizes {batch} and {other.Shape[0]}; the row format needs one batch size: use InferProtocol.TfServingColumnar.",
                nameof(request));
        }
    }
}
