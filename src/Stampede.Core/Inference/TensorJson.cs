using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Stampede.Inference;

/// <summary>Writes tensor values and parameters as JSON, flat (KServe v2) or nested by shape (TensorFlow Serving).</summary>
internal static class TensorJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Every element in row-major order, as one flat array (KServe v2's <c>data</c>; BYTES as strings).</summary>
    public static void WriteFlat(Utf8JsonWriter writer, InferTensor tensor)
    {
        writer.WriteStartArray();
        if (tensor.Datatype == TensorDatatype.Bytes)
        {
            IReadOnlyList<byte[]> values = tensor.ByteStrings();
            for (int i = 0; i < values.Count; i++)
            {
                writer.WriteStringValue(Text(tensor, values[i], i));
            }
        }
        else
        {
            ReadOnlySpan<byte> data = tensor.Data.Span;
            for (long i = 0; i < tensor.ElementCount; i++)
            {
                WriteNumeric(writer, tensor.Datatype, data, (int)i);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// The elements from <paramref name="offset"/> as arrays nested by <paramref name="shape"/> (TensorFlow Serving;
    /// BYTES as <c>{"b64": …}</c>). An empty shape writes one scalar.
    /// </summary>
    public static void WriteNested(Utf8JsonWriter writer, InferTensor tensor, ReadOnlySpan<long> shape, ref long offset, IReadOnlyList<byte[]>? byteStrings)
    {
        if (shape.IsEmpty)
        {
            if (tensor.Datatype == TensorDatatype.Bytes)
            {
                writer.WriteStartObject();
                writer.WriteBase64String("b64", byteStrings![(int)offset]);
                writer.WriteEndObject();
            }
            else
            {
                WriteNumeric(writer, tensor.Datatype, tensor.Data.Span, (int)offset);
            }

            offset++;
            return;
        }

        writer.WriteStartArray();
        for (long i = 0; i < shape[0]; i++)
        {
            WriteNested(writer, tensor, shape[1..], ref offset, byteStrings);
        }

        writer.WriteEndArray();
    }

    /// <summary>A <c>parameters</c> object of strings, booleans, integers and numbers.</summary>
    public static void WriteParameters(Utf8JsonWriter writer, IReadOnlyDictionary<string, object> parameters, string? extraName = null, object? extraValue = null)
    {
        writer.WriteStartObject("parameters");
        foreach ((string name, object value) in parameters)
        {
            WriteParameter(writer, name, value);
        }

        if (extraName is not null)
        {
            WriteParameter(writer, extraName, extraValue!);
        }

        writer.WriteEndObject();
    }

    private static void WriteParameter(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s: writer.WriteString(name, s); break;
            case bool b: writer.WriteBoolean(name, b); break;
            case int i: writer.WriteNumber(name, i); break;
            case long l: writer.WriteNumber(name, l); break;
            case double d: writer.WriteNumber(name, d); break;
            case float f: writer.WriteNumber(name, f); break;
            default:
                throw new ArgumentException($"Parameter '{name}' is a {value?.GetType().Name ?? "null"}; parameters are strings, booleans, integers or numbers.", nameof(value));
        }
    }

    private static string Text(InferTensor tensor, byte[] value, int index)
    {
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            throw new ArgumentException(
                $"Tensor '{tensor.Name}': BYTES element {index} is not UTF-8 text, and KServe v2 JSON carries BYTES as strings; send it with InferProtocol.KServeBinary.");
        }
    }

    private static void WriteNumeric(Utf8JsonWriter writer, TensorDatatype datatype, ReadOnlySpan<byte> data, int index)
    {
        int at = index * datatype.ElementSize();
        switch (datatype)
        {
            case TensorDatatype.Bool: writer.WriteBooleanValue(data[at] != 0); break;
            case TensorDatatype.UInt8: writer.WriteNumberValue(data[at]); break;
            case TensorDatatype.Int8: writer.WriteNumberValue((sbyte)data[at]); break;
            case TensorDatatype.UInt16: writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(data[at..])); break;
            case TensorDatatype.Int16: writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(data[at..])); break;
            case TensorDatatype.UInt32: writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(data[at..])); break;
            case TensorDatatype.Int32: writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(data[at..])); break;
            case TensorDatatype.UInt64: writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(data[at..])); break;
            case TensorDatatype.Int64: writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(data[at..])); break;
            case TensorDatatype.Fp16: writer.WriteNumberValue((float)BinaryPrimitives.ReadHalfLittleEndian(data[at..])); break;
            case TensorDatatype.Fp32: writer.WriteNumberValue(BinaryPrimitives.ReadSingleLittleEndian(data[at..])); break;
            case TensorDatatype.Fp64: writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(data[at..])); break;
            default: throw new ArgumentOutOfRangeException(nameof(datatype), datatype, "Not a numeric datatype.");
        }
    }
}
