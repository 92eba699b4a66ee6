using System.Globalization;
using System.Text.Json;
using Stampede.Demo.Inference;

namespace Stampede.Demo.Http;

/// <summary>
/// Reads a KServe v2 JSON inference request for ResNet-18: exactly one FP32 input of shape [1,3,224,224] whose
/// <c>data</c> holds 150,528 numbers, flat in row-major order or nested, or, with the binary tensor extension, whose
/// <c>parameters.binary_data_size</c> is 602,112 and whose raw little-endian values follow the JSON header. The input
/// may have any name.
/// </summary>
internal static class KServeRequestParser
{
    private const int MaxRank = 8;
    private const string ExpectedShapeText = "[1,3,224,224]";

    /// <summary>
    /// Parses <paramref name="json"/>, writing the tensor values into <paramref name="data"/>; with
    /// <paramref name="binary"/> (the bytes after a binary request's header), values may come from there instead.
    /// </summary>
    /// <exception cref="KServeRequestException">The request is malformed or does not fit the model.</exception>
    public static KServeInferRequest Parse(ReadOnlySpan<byte> json, float[] data, BinaryTensorData binary = default)
    {
        try
        {
            return ParseCore(json, data, binary);
        }
        catch (JsonException exception)
        {
            throw new KServeRequestException($"the body is not valid JSON: {exception.Message}");
        }
        catch (InvalidOperationException exception)
        {
            throw new KServeRequestException($"the request does not follow the KServe v2 JSON format: {exception.Message}");
        }
    }

    private static KServeInferRequest ParseCore(ReadOnlySpan<byte> json, float[] data, BinaryTensorData binary)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new KServeRequestException("the body must be a JSON object with \"inputs\"");
        }

        string? id = null;
        InputTensor input = default;
        var inputCount = 0;
        var binaryOutput = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString()
                    : throw new KServeRequestException("\"id\" must be a string");
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                Expect(ref reader, JsonTokenType.StartArray, "\"inputs\" must be an array");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Expect(ref reader, JsonTokenType.StartObject, "each of \"inputs\" must be an object");
                    inputCount++;
                    if (inputCount > 1)
                    {
                        reader.Skip();
                        continue;
                    }

                    input = ParseInput(ref reader, data, binary.IsPresent);
                }
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                reader.Read();
                binaryOutput |= ParseRequestedOutputs(ref reader);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                binaryOutput |= ParseBinaryFlag(ref reader, "binary_data_output"u8, "the request's \"parameters\" must be an object");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (inputCount != 1)
        {
            throw new KServeRequestException(
                $"model '{ResNetModel.Name}' takes exactly one input ('{ResNetModel.InputName}', FP32 {ExpectedShapeText}); the request has {inputCount}");
        }

        if (input.BinarySize >= 0)
        {
            input = input with { Count = CopyBinary(input, data, binary.Data) };
        }
        else if (binary.IsPresent && binary.Data.Length > 0)
        {
            throw new KServeRequestException($"{binary.Data.Length} bytes follow the header, but no input has parameters.binary_data_size");
        }

        return new KServeInferRequest(id, Validate(input), binaryOutput && binary.IsPresent);
    }

    private static int CopyBinary(InputTensor input, float[] data, ReadOnlySpan<byte> binary)
    {
        var label = input.Name ?? "(unnamed)";
        if (input.Count >= 0)
        {
            throw new KServeRequestException($"input '{label}' has both \"data\" and parameters.binary_data_size; send its values one way");
        }

        if (input.BinarySize != binary.Length)
        {
            throw new KServeRequestException($"input '{label}' says binary_data_size {input.BinarySize}, but {binary.Length} bytes follow the header");
        }

        if (input.BinarySize != ResNetModel.InputLength * sizeof(float))
        {
            throw new KServeRequestException($"input '{label}' has {input.BinarySize} bytes of binary data; FP32 {ExpectedShapeText} needs {ResNetModel.InputLength * sizeof(float)}");
        }

        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(binary);
        if (NotFinite(label, values) is { } problem)
        {
            throw new KServeRequestException(problem);
        }

        values.CopyTo(data);
        return values.Length;
    }

    /// <summary>Why raw tensor values do not do (one is NaN or infinite), or none: the check every route makes of binary values.</summary>
    internal static string? NotFinite(string label, ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return $"input '{label}' holds a value that is not a finite FP32 number (at element {i})";
            }
        }

        return null;
    }

    private static InputTensor ParseInput(ref Utf8JsonReader reader, float[] data, bool binaryAllowed)
    {
        string? name = null;
        string? datatype = null;
        List<long>? shape = null;
        var count = -1;
        long binarySize = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new KServeRequestException("an input's \"name\" must be a string");
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                datatype = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new KServeRequestException("an input's \"datatype\" must be a string");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                shape = ParseShape(ref reader);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                count = ParseData(ref reader, data);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                Expect(ref reader, JsonTokenType.StartObject, "an input's \"parameters\" must be an object");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("binary_data_size"u8))
                    {
                        if (!binaryAllowed)
                        {
                            throw new KServeRequestException(
                                $"binary tensor data needs the {BinaryTensorData.HeaderName} header (the JSON header's length); send it, or send the values in \"data\"");
                        }

                        reader.Read();
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out binarySize) || binarySize < 0)
                        {
                            throw new KServeRequestException("an input's binary_data_size must be a non-negative integer");
                        }

                        continue;
                    }

                    reader.Read();
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new InputTensor(name, datatype, shape, count, binarySize);
    }

    private static string Validate(InputTensor input)
    {
        var (name, datatype, shape, count, _) = input;
        var label = name ?? "(unnamed)";
        if (name is null)
        {
            throw new KServeRequestException("the input has no \"name\"");
        }

        if (!string.Equals(datatype, "FP32", StringComparison.Ordinal))
        {
            throw new KServeRequestException($"input '{label}' has datatype '{datatype ?? "(none)"}'; model '{ResNetModel.Name}' takes FP32");
        }

        if (shape is null || !shape.SequenceEqual(ResNetModel.PublicInputShape))
        {
            var text = shape is null ? "(none)" : "[" + string.Join(',', shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
            throw new KServeRequestException($"input '{label}' has shape {text}; model '{ResNetModel.Name}' takes {ExpectedShapeText}");
        }

        if (count != ResNetModel.InputLength)
        {
            throw new KServeRequestException(count < 0
                ? $"input '{label}' has no \"data\""
                : $"input '{label}' has {count} values in \"data\"; shape {ExpectedShapeText} needs {ResNetModel.InputLength}");
        }

        return name;
    }

    private readonly record struct InputTensor(string? Name, string? Datatype, List<long>? Shape, int Count, long BinarySize);

    private static List<long> ParseShape(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "an input's \"shape\" must be an array of integers");
        var shape = new List<long>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dimension) || dimension < 0 || shape.Count >= MaxRank)
            {
                throw new KServeRequestException($"an input's \"shape\" must be an array of at most {MaxRank} non-negative integers");
            }

            shape.Add(dimension);
        }

        return shape;
    }

    /// <summary>Reads numbers from a flat or nested array; returns how many there were (stops counting past the buffer).</summary>
    internal static int ParseData(ref Utf8JsonReader reader, float[] data)
    {
        Expect(ref reader, JsonTokenType.StartArray, "an input's \"data\" must be an array of numbers");
        var depth = 1;
        var count = 0;
        while (depth > 0 && reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.Number:
                    if (count >= data.Length)
                    {
                        throw new KServeRequestException($"an input's \"data\" has more than {data.Length} values; shape {ExpectedShapeText} needs {ResNetModel.InputLength}");
                    }

                    if (!reader.TryGetSingle(out var value) || !float.IsFinite(value))
                    {
                        throw new KServeRequestException("an input's \"data\" must hold finite FP32 numbers");
                    }

                    data[count++] = value;
                    break;
                default:
                    throw new KServeRequestException("an input's \"data\" must hold only numbers (FP32)");
            }
        }

        return count;
    }

    /// <summary>Checks the requested outputs name the model's one output; whether one asks for binary data.</summary>
    private static bool ParseRequestedOutputs(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "\"outputs\" must be an array");
        var binary = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "each of \"outputs\" must be an object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                var isParameters = reader.ValueTextEquals("parameters"u8);
                reader.Read();
                if (isName && (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(ResNetModel.OutputName)))
                {
                    throw new KServeRequestException($"model '{ResNetModel.Name}' has one output, '{ResNetModel.OutputName}'");
                }

                if (isParameters)
                {
                    binary |= ParseBinaryFlag(ref reader, "binary_data"u8, "an output's \"parameters\" must be an object");
                    continue;
                }

                reader.Skip();
            }
        }

        return binary;
    }

    /// <summary>Reads a <c>parameters</c> object (the reader on its start); whether <paramref name="flag"/> is true in it.</summary>
    private static bool ParseBinaryFlag(ref Utf8JsonReader reader, ReadOnlySpan<byte> flag, string message)
    {
        Expect(ref reader, JsonTokenType.StartObject, message);
        var set = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFlag = reader.ValueTextEquals(flag);
            reader.Read();
            if (isFlag)
            {
                set = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Skip();
            }
        }

        return set;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        if (reader.TokenType != type)
        {
            throw new KServeRequestException(message);
        }
    }
}
