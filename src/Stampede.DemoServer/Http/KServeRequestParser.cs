using System.Globalization;
using System.Text.Json;
using Stampede.Demo.Inference;

namespace Stampede.Demo.Http;

/// <summary>
/// Reads a KServe v2 JSON inference request for ResNet-18: exactly one FP32 input of shape [1,3,224,224] whose
/// <c>data</c> holds 150,528 numbers, flat in row-major order or nested. The input may have any name.
/// </summary>
internal static class KServeRequestParser
{
    private const int MaxRank = 8;
    private const string ExpectedShapeText = "[1,3,224,224]";

    /// <summary>Parses <paramref name="json"/>, writing the tensor values into <paramref name="data"/>.</summary>
    /// <exception cref="KServeRequestException">The request is malformed or does not fit the model.</exception>
    public static KServeInferRequest Parse(ReadOnlySpan<byte> json, float[] data)
    {
        try
        {
            return ParseCore(json, data);
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

    private static KServeInferRequest ParseCore(ReadOnlySpan<byte> json, float[] data)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new KServeRequestException("the body must be a JSON object with \"inputs\"");
        }

        string? id = null;
        InputTensor input = default;
        var inputCount = 0;
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

                    input = ParseInput(ref reader, data);
                }
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                reader.Read();
                ParseRequestedOutputs(ref reader);
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

        return new KServeInferRequest(id, Validate(input));
    }

    private static InputTensor ParseInput(ref Utf8JsonReader reader, float[] data)
    {
        string? name = null;
        string? datatype = null;
        List<long>? shape = null;
        var count = -1;
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
                        throw new KServeRequestException("binary tensor data is not supported; send the values in \"data\"");
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

        return new InputTensor(name, datatype, shape, count);
    }

    private static string Validate(InputTensor input)
    {
        var (name, datatype, shape, count) = input;
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

    private readonly record struct InputTensor(string? Name, string? Datatype, List<long>? Shape, int Count);

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
    private static int ParseData(ref Utf8JsonReader reader, float[] data)
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

    private static void ParseRequestedOutputs(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "\"outputs\" must be an array");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "each of \"outputs\" must be an object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                reader.Read();
                if (isName && (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(ResNetModel.OutputName)))
                {
                    throw new KServeRequestException($"model '{ResNetModel.Name}' has one output, '{ResNetModel.OutputName}'");
                }

                reader.Skip();
            }
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        if (reader.TokenType != type)
        {
            throw new KServeRequestException(message);
        }
    }
}
