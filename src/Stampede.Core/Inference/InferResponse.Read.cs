using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stampede.Inference;

public sealed partial class InferResponse
{
    private const int MaxRank = 16;

    /// <summary>
    /// Reads a KServe v2 REST answer: JSON, or with <paramref name="headerLength"/> (the response's
    /// <c>Inference-Header-Content-Length</c>) a JSON header followed by the outputs' binary data.
    /// </summary>
    /// <exception cref="InferResponseException">The answer is malformed: not JSON, no outputs array, an output whose
    /// values do not fit its shape or datatype, binary data of the wrong length.</exception>
    public static InferResponse ReadKServe(ReadOnlySpan<byte> body, int? headerLength = null)
    {
        if (headerLength is { } length && (length < 0 || length > body.Length))
        {
            throw new InferResponseException($"the binary answer's header length ({length}) is outside its {body.Length} bytes");
        }

        ReadOnlySpan<byte> header = headerLength is { } json ? body[..json] : body;
        ReadOnlySpan<byte> binary = headerLength is { } start ? body[start..] : [];
        using JsonDocument document = Parse(header);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InferResponseException("the answer is not a JSON object");
        }

        if (root.TryGetProperty("error", out JsonElement error) && !root.TryGetProperty("outputs", out _))
        {
            throw new InferResponseException($"the server answered an error: {(error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText())}");
        }

        if (!root.TryGetProperty("outputs", out JsonElement outputs) || outputs.ValueKind != JsonValueKind.Array)
        {
            throw new InferResponseException("the answer has no \"outputs\" array");
        }

        var read = new List<InferOutput>();
        int at = 0;
        foreach (JsonElement output in outputs.EnumerateArray())
        {
            read.Add(ReadKServeOutput(output, binary, ref at));
        }

        if (at != binary.Length)
        {
            throw new InferResponseException($"the answer has {binary.Length} bytes of binary data after its header; its outputs' binary_data_size add up to {at}");
        }

        return new InferResponse(String(root, "model_name"), String(root, "model_version"), String(root, "id"), read);
    }

    /// <summary>
    /// Reads a TensorFlow Serving REST <c>predict</c> answer: <c>{"predictions": …}</c> (row format; one output named
    /// <c>predictions</c>, or one per name when each instance is an object) or <c>{"outputs": …}</c> (columnar).
    /// </summary>
    /// <exception cref="InferResponseException">The answer is malformed or is TF Serving's <c>{"error": …}</c>.</exception>
    public static InferResponse ReadTfServing(ReadOnlySpan<byte> body)
    {
        using JsonDocument document = Parse(body);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InferResponseException("the answer is not a JSON object");
        }

        if (root.TryGetProperty("error", out JsonElement error))
        {
            throw new InferResponseException($"the server answered an error: {(error.ValueKind == JsonValueKind.String ? error.GetString() : error.GetRawText())}");
        }

        if (root.TryGetProperty("predictions", out JsonElement predictions))
        {
            if (predictions.ValueKind != JsonValueKind.Array)
            {
                throw new InferResponseException("\"predictions\" is not an array");
            }

            if (predictions.GetArrayLength() > 0 && predictions[0].ValueKind == JsonValueKind.Object)
            {
                // Several outputs: each instance an object of them; put each output's instances back together.
                string[] names = [.. predictions[0].EnumerateObject().Select(p => p.Name)];
                return new InferResponse(null, null, null, [.. names.Select(name => FromRows(name, predictions))]);
            }

            return new InferResponse(null, null, null, [FromJson("predictions", predictions)]);
        }

        if (root.TryGetProperty("outputs", out JsonElement outputs))
        {
            return outputs.ValueKind == JsonValueKind.Object
                ? new InferResponse(null, null, null, [.. outputs.EnumerateObject().Select(p => FromJson(p.Name, p.Value))])
                : new InferResponse(null, null, null, [FromJson("outputs", outputs)]);
        }

        throw new InferResponseException("the answer has neither \"predictions\" nor \"outputs\"");
    }

    private static InferOutput ReadKServeOutput(JsonElement output, ReadOnlySpan<byte> binary, ref int at)
    {
        if (output.ValueKind != JsonValueKind.Object)
        {
            throw new InferResponseException("an entry of \"outputs\" is not an object");
        }

        string name = String(output, "name") ?? throw new InferResponseException("an output has no \"name\"");
        TensorDatatype datatype = ParseDatatype(name, String(output, "datatype"));
        long[] shape = Shape(output, name);
        byte[] data;
        if (output.TryGetProperty("parameters", out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Object
            && parameters.TryGetProperty("binary_data_size", out JsonElement sizeElement))
        {
            if (!sizeElement.TryGetInt64(out long size) || size < 0 || size > binary.Length - at)
            {
                throw new InferResponseException($"output '{name}' says binary_data_size {sizeElement.GetRawText()}; {binary.Length - at} bytes of binary data are left");
            }

            data = binary.Slice(at, (int)size).ToArray();
            at += (int)size;
        }
        else if (output.TryGetProperty("data", out JsonElement values))
        {
            (data, _, _) = Values(name, values, datatype);
        }
        else
        {
            throw new InferResponseException($"output '{name}' has neither \"data\" nor binary_data_size");
        }

        return Checked(name, datatype, shape, data);
    }

    /// <summary>The protocol's datatype named <paramref name="typeName"/>, for output <paramref name="name"/>.</summary>
    /// <exception cref="InferResponseException">It names none.</exception>
    internal static TensorDatatype ParseDatatype(string name, string? typeName) =>
        TensorDatatypes.TryParse(typeName, out TensorDatatype datatype)
            ? datatype
            : throw new InferResponseException($"output '{name}' has datatype '{typeName ?? "(none)"}', not one of the protocol's");

    /// <summary>
    /// An output whose values (in binary form) are checked against its datatype and shape: a whole number of elements
    /// (or well-formed BYTES elements), exactly as many as the shape holds. Every reader's outputs come through here.
    /// </summary>
    /// <exception cref="InferResponseException">The values do not fit.</exception>
    internal static InferOutput Checked(string name, TensorDatatype datatype, long[] shape, byte[] data)
    {
        if (shape.Any(d => d < 0))
        {
            throw new InferResponseException($"output '{name}' has shape {InferTensor.FormatShape(shape)}; a shape is non-negative integers");
        }

        long expected = Product(shape, name);
        long count = datatype == TensorDatatype.Bytes ? CountStrings(name, data) : CountFixed(name, datatype, data.Length);
        if (count != expected)
        {
            throw new InferResponseException($"output '{name}' has {count} values; its shape {InferTensor.FormatShape(shape)} needs {expected}");
        }

        return new InferOutput(name, datatype, shape, data, count);
    }

    private static InferOutput FromJson(string name, JsonElement values)
    {
        TensorDatatype datatype = Infer(name, values);
        (byte[] data, long count, long[] shape) = Values(name, values, datatype);
        return new InferOutput(name, datatype, shape, data, count);
    }

    private static InferOutput FromRows(string name, JsonElement predictions)
    {
        var rows = new List<InferOutput>();
        foreach (JsonElement instance in predictions.EnumerateArray())
        {
            if (instance.ValueKind != JsonValueKind.Object || !instance.TryGetProperty(name, out JsonElement value))
            {
                throw new InferResponseException($"an instance of \"predictions\" has no output '{name}'");
            }

            rows.Add(FromJson(name, value));
        }

        InferOutput first = rows[0];
        if (rows.Any(r => r.Datatype != first.Datatype || !r.Shape.SequenceEqual(first.Shape)))
        {
            throw new InferResponseException($"the instances of output '{name}' differ in shape or type");
        }

        byte[] data = [.. rows.SelectMany(r => r.Data.ToArray())];
        return new InferOutput(name, first.Datatype, [rows.Count, .. first.Shape], data, rows.Sum(r => r.ElementCount));
    }

    /// <summary>Flattens a (possibly nested) JSON array into the binary form of <paramref name="datatype"/>, checking it is rectangular.</summary>
    private static (byte[] Data, long Count, long[] Shape) Values(string name, JsonElement values, TensorDatatype datatype)
    {
        var shape = new List<long>();
        for (JsonElement e = values; e.ValueKind == JsonValueKind.Array; e = e[0])
        {
            if (shape.Count >= MaxRank)
            {
                throw new InferResponseException($"output '{name}' is nested more than {MaxRank} deep");
            }

            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0)
            {
                break;
            }
        }

        using var stream = new MemoryStream();
        byte[] scratch = new byte[8];
        long count = 0;
        Walk(values, 0);
        return (stream.ToArray(), count, [.. shape]);

        void Walk(JsonElement element, int depth)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                if (depth != shape.Count)
                {
                    throw new InferResponseException($"output '{name}' is not rectangular: a value at depth {depth} where its first values are at depth {shape.Count}");
                }

                WriteLeaf(name, element, datatype, stream, scratch);
                count++;
                return;
            }

            if (depth >= shape.Count || element.GetArrayLength() != shape[depth])
            {
                throw new InferResponseException($"output '{name}' is not rectangular: an array of {element.GetArrayLength()} at depth {depth} where the first has {(depth < shape.Count ? shape[depth] : 0)}");
            }

            foreach (JsonElement child in element.EnumerateArray())
            {
                Walk(child, depth + 1);
            }
        }
    }

    private static void WriteLeaf(string name, JsonElement leaf, TensorDatatype datatype, MemoryStream stream, byte[] scratch)
    {
        if (datatype == TensorDatatype.Bytes)
        {
            byte[] bytes = leaf.ValueKind switch
            {
                JsonValueKind.String => Encoding.UTF8.GetBytes(leaf.GetString()!),
                JsonValueKind.Object when leaf.TryGetProperty("b64", out JsonElement b64) && b64.ValueKind == JsonValueKind.String => Base64(name, b64),
                _ => throw new InferResponseException($"output '{name}' is BYTES but holds {leaf.GetRawText()}"),
            };
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)bytes.Length);
            stream.Write(scratch, 0, 4);
            stream.Write(bytes);
            return;
        }

        if (datatype == TensorDatatype.Bool)
        {
            if (leaf.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new InferResponseException($"output '{name}' is BOOL but holds {leaf.GetRawText()}");
            }

            stream.WriteByte(leaf.GetBoolean() ? (byte)1 : (byte)0);
            return;
        }

        bool fits = leaf.ValueKind == JsonValueKind.Number && datatype switch
        {
            TensorDatatype.UInt8 => leaf.TryGetByte(out byte u8) && Put(scratch, u8),
            TensorDatatype.Int8 => leaf.TryGetSByte(out sbyte i8) && Put(scratch, unchecked((byte)i8)),
            TensorDatatype.UInt16 => leaf.TryGetUInt16(out ushort u16) && BinaryPrimitives.TryWriteUInt16LittleEndian(scratch, u16),
            TensorDatatype.Int16 => leaf.TryGetInt16(out short i16) && BinaryPrimitives.TryWriteInt16LittleEndian(scratch, i16),
            TensorDatatype.UInt32 => leaf.TryGetUInt32(out uint u32) && BinaryPrimitives.TryWriteUInt32LittleEndian(scratch, u32),
            TensorDatatype.Int32 => leaf.TryGetInt32(out int i32) && BinaryPrimitives.TryWriteInt32LittleEndian(scratch, i32),
            TensorDatatype.UInt64 => leaf.TryGetUInt64(out ulong u64) && BinaryPrimitives.TryWriteUInt64LittleEndian(scratch, u64),
            TensorDatatype.Int64 => leaf.TryGetInt64(out long i64) && BinaryPrimitives.TryWriteInt64LittleEndian(scratch, i64),
            TensorDatatype.Fp16 => leaf.TryGetDouble(out double h) && BinaryPrimitives.TryWriteHalfLittleEndian(scratch, (Half)h),
            TensorDatatype.Fp32 => leaf.TryGetSingle(out float f) && BinaryPrimitives.TryWriteSingleLittleEndian(scratch, f),
            _ => leaf.TryGetDouble(out double d) && BinaryPrimitives.TryWriteDoubleLittleEndian(scratch, d),
        };
        if (!fits)
        {
            throw new InferResponseException($"output '{name}' is {datatype.Name()} but holds {leaf.GetRawText()}, which does not fit it");
        }

        stream.Write(scratch, 0, datatype.ElementSize());
    }

    private static bool Put(byte[] scratch, byte value)
    {
        scratch[0] = value;
        return true;
    }

    private static byte[] Base64(string name, JsonElement b64)
    {
        try
        {
            return b64.GetBytesFromBase64();
        }
        catch (FormatException)
        {
            throw new InferResponseException($"output '{name}' holds a \"b64\" value that is not base64");
        }
    }

    /// <summary>The datatype TF Serving's untyped JSON implies: FP64 for numbers, BOOL, BYTES for strings and b64 objects.</summary>
    private static TensorDatatype Infer(string name, JsonElement values)
    {
        JsonElement e = values;
        while (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0)
        {
            e = e[0];
        }

        return e.ValueKind switch
        {
            JsonValueKind.Number or JsonValueKind.Array => TensorDatatype.Fp64,
            JsonValueKind.True or JsonValueKind.False => TensorDatatype.Bool,
            JsonValueKind.String or JsonValueKind.Object => TensorDatatype.Bytes,
            _ => throw new InferResponseException($"output '{name}' holds {e.GetRawText()}, not a tensor value"),
        };
    }

    private static long[] Shape(JsonElement output, string name)
    {
        if (!output.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw new InferResponseException($"output '{name}' has no \"shape\" array");
        }

        var dimensions = new List<long>();
        foreach (JsonElement dimension in shape.EnumerateArray())
        {
            if (!dimension.TryGetInt64(out long value) || value < 0 || dimensions.Count >= MaxRank)
            {
                throw new InferResponseException($"output '{name}' has shape {shape.GetRawText()}; a shape is at most {MaxRank} non-negative integers");
            }

            dimensions.Add(value);
        }

        return [.. dimensions];
    }

    private static long Product(long[] shape, string name)
    {
        try
        {
            return shape.Aggregate(1L, (product, d) => checked(product * d));
        }
        catch (OverflowException)
        {
            throw new InferResponseException($"output '{name}' has shape {InferTensor.FormatShape(shape)}, too large to hold");
        }
    }

    private static long CountFixed(string name, TensorDatatype datatype, int bytes) =>
        bytes % datatype.ElementSize() == 0
            ? bytes / datatype.ElementSize()
            : throw new InferResponseException($"output '{name}' has {bytes} bytes of binary data, not a whole number of {datatype.Name()} ({datatype.ElementSize()} bytes each)");

    private static long CountStrings(string name, byte[] data)
    {
        try
        {
            return InferTensor.CountByteStrings(data);
        }
        catch (ArgumentException exception)
        {
            throw new InferResponseException($"output '{name}': {exception.Message}");
        }
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxRank + 8 });
        }
        catch (JsonException exception)
        {
            throw new InferResponseException($"the answer is not valid JSON: {exception.Message}", exception);
        }
    }
}
