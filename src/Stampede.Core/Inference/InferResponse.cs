using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Stampede.Inference;

/// <summary>
/// A model server's answer to an inference request, read from KServe v2 JSON, the binary tensor extension or
/// TensorFlow Serving's <c>predictions</c>/<c>outputs</c>: the output tensors, each checked against its shape.
/// </summary>
public sealed partial class InferResponse
{
    internal InferResponse(string? modelName, string? modelVersion, string? id, IReadOnlyList<InferOutput> outputs)
    {
        ModelName = modelName;
        ModelVersion = modelVersion;
        Id = id;
        Outputs = outputs;
    }

    /// <summary>The answering model's <c>model_name</c> (KServe v2); none from TF Serving.</summary>
    public string? ModelName { get; }

    /// <summary>The answering model's <c>model_version</c> (KServe v2).</summary>
    public string? ModelVersion { get; }

    /// <summary>The request's <c>id</c>, echoed.</summary>
    public string? Id { get; }

    /// <summary>The output tensors, in the order the server sent them.</summary>
    public IReadOnlyList<InferOutput> Outputs { get; }

    /// <summary>The output named <paramref name="name"/>, or none.</summary>
    public InferOutput? Output(string name) => Outputs.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// Reads an answer with <paramref name="read"/> into <paramref name="result"/>'s <see cref="Http.HttpResult.Inference"/>:
    /// the one place REST and gRPC answers are judged. Returns the failure reason when the answer is malformed, has no
    /// outputs or lacks one of <paramref name="wanted"/>; none when it does.
    /// </summary>
    internal static string? ReadInto(Http.HttpResult result, Func<InferResponse> read, IReadOnlyList<string> wanted)
    {
        InferResponse response;
        try
        {
            response = read();
        }
        catch (InferResponseException exception)
        {
            return $"malformed inference answer: {exception.Message}";
        }

        result.Inference = response;
        return response.Outputs.Count == 0 ? "the inference answer has no outputs"
            : wanted.FirstOrDefault(name => response.Output(name) is null) is { } missing ? response.NoOutputReason(missing)
            : null;
    }

    /// <summary>Why an answer without output <paramref name="name"/> fails, naming the outputs it has.</summary>
    internal string NoOutputReason(string name) =>
        $"the inference answer has no output '{name}' (it has {string.Join(", ", Outputs.Select(o => $"'{o.Name}'"))})";
}

/// <summary>One output tensor of an <see cref="InferResponse"/>, its values in the protocol's binary form.</summary>
public sealed class InferOutput
{
    private readonly long[] _shape;
    private readonly byte[] _data;

    internal InferOutput(string name, TensorDatatype datatype, long[] shape, byte[] data, long elements)
    {
        Name = name;
        Datatype = datatype;
        _shape = shape;
        _data = data;
        ElementCount = elements;
    }

    /// <summary>The output's name (<c>predictions</c> for TF Serving's row format with one output).</summary>
    public string Name { get; }

    /// <summary>The element type (<see cref="TensorDatatype.Fp64"/> for TF Serving's numbers, which carry no type).</summary>
    public TensorDatatype Datatype { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>How many elements there are.</summary>
    public long ElementCount { get; }

    /// <summary>The values in binary form: little-endian, row-major; for BYTES, each a 4-byte length then its bytes.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Every numeric value as a <see langword="float"/> (booleans as 0 or 1).</summary>
    /// <exception cref="InvalidOperationException">The output is BYTES.</exception>
    public float[] ToFloats()
    {
        if (Datatype == TensorDatatype.Bytes)
        {
            throw new InvalidOperationException($"Output '{Name}' is BYTES, not numbers.");
        }

        float[] values = new float[ElementCount];
        int size = Datatype.ElementSize();
        ReadOnlySpan<byte> data = _data;
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> at = data[(i * size)..];
            values[i] = Datatype switch
            {
                TensorDatatype.Bool or TensorDatatype.UInt8 => at[0],
                TensorDatatype.Int8 => (sbyte)at[0],
                TensorDatatype.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(at),
                TensorDatatype.Int16 => BinaryPrimitives.ReadInt16LittleEndian(at),
                TensorDatatype.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(at),
                TensorDatatype.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
                TensorDatatype.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(at),
                TensorDatatype.Int64 => BinaryPrimitives.ReadInt64LittleEndian(at),
                TensorDatatype.Fp16 => (float)BinaryPrimitives.ReadHalfLittleEndian(at),
                TensorDatatype.Fp32 => BinaryPrimitives.ReadSingleLittleEndian(at),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(at),
            };
        }

        return values;
    }

    /// <summary>The index of the largest value (the top-1 class of a classifier's scores), or −1 when there are none.</summary>
    public int ArgMax()
    {
        float[] values = ToFloats();
        int best = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (best < 0 || values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>The BYTES elements as UTF-8 texts.</summary>
    /// <exception cref="InvalidOperationException">The output is not BYTES.</exception>
    public IReadOnlyList<string> Texts() =>
        Datatype == TensorDatatype.Bytes
            ? [.. InferTensor.ReadByteStrings(_data).Select(b => Encoding.UTF8.GetString(b))]
            : throw new InvalidOperationException($"Output '{Name}' is {Datatype.Name()}, not BYTES.");

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Datatype.Name()} {InferTensor.FormatShape(_shape)}");
}

/// <summary>An inference answer that does not follow its protocol or does not fit what was asked; the message says how.</summary>
public sealed class InferResponseException : Exception
{
    /// <summary>An exception with no message.</summary>
    public InferResponseException()
    {
    }

    /// <summary>An exception whose message says what was wrong.</summary>
    public InferResponseException(string message)
        : base(message)
    {
    }

    /// <summary>An exception whose message says what was wrong, with its cause.</summary>
    public InferResponseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
