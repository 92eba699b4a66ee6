using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Stampede.Inference;

/// <summary>
/// A named input tensor of an inference request: its datatype, shape and values, kept in the protocol's binary form
/// (little-endian, row-major; <c>BYTES</c> elements each a 4-byte length and the bytes) so that every encoding
/// reads the same bytes. Build one with <see cref="Fp32"/>, <see cref="Int64"/>, <see cref="Text"/> … or from an
/// image with <see cref="ImageTensors"/>.
/// </summary>
public sealed class InferTensor
{
    private static readonly IReadOnlyDictionary<string, object> NoParameters = new Dictionary<string, object>();

    private readonly long[] _shape;
    private readonly byte[] _data;

    private InferTensor(string name, TensorDatatype datatype, long[] shape, byte[] data, long elements, IReadOnlyDictionary<string, object>? parameters)
    {
        Name = name;
        Datatype = datatype;
        _shape = shape;
        _data = data;
        ElementCount = elements;
        Parameters = parameters ?? NoParameters;
    }

    /// <summary>The input's name, as the model's metadata lists it.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public TensorDatatype Datatype { get; }

    /// <summary>The dimensions, outermost first (a batch of one 224×224 RGB image in NCHW: 1, 3, 224, 224).</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>How many elements the shape holds.</summary>
    public long ElementCount { get; }

    /// <summary>The values in binary form: little-endian, row-major; for <c>BYTES</c>, each element's 4-byte length then its bytes.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The tensor's <c>parameters</c> (strings, booleans, integers or numbers), sent with it in KServe v2 and gRPC.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; }

    /// <summary>An <c>FP32</c> tensor.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Fp32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<float> values) => Numeric(name, TensorDatatype.Fp32, shape, values);

    /// <summary>An <c>FP16</c> tensor.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Fp16(string name, ReadOnlySpan<long> shape, ReadOnlySpan<Half> values) => Numeric(name, TensorDatatype.Fp16, shape, values);

    /// <summary>An <c>FP64</c> tensor.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Fp64(string name, ReadOnlySpan<long> shape, ReadOnlySpan<double> values) => Numeric(name, TensorDatatype.Fp64, shape, values);

    /// <summary>An <c>INT64</c> tensor (token ids, class indices).</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Int64(string name, ReadOnlySpan<long> shape, ReadOnlySpan<long> values) => Numeric(name, TensorDatatype.Int64, shape, values);

    /// <summary>An <c>INT32</c> tensor.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Int32(string name, ReadOnlySpan<long> shape, ReadOnlySpan<int> values) => Numeric(name, TensorDatatype.Int32, shape, values);

    /// <summary>A <c>UINT8</c> tensor (raw pixels).</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor UInt8(string name, ReadOnlySpan<long> shape, ReadOnlySpan<byte> values) => Numeric(name, TensorDatatype.UInt8, shape, values);

    /// <summary>A <c>BOOL</c> tensor.</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Bool(string name, ReadOnlySpan<long> shape, ReadOnlySpan<bool> values)
    {
        byte[] data = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            data[i] = values[i] ? (byte)1 : (byte)0;
        }

        return Create(name, TensorDatatype.Bool, shape, data, values.Length);
    }

    /// <summary>A <c>BYTES</c> tensor of byte strings (an encoded image per element, serialized records).</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Bytes(string name, ReadOnlySpan<long> shape, IReadOnlyList<byte[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        long total = 0;
        foreach (byte[] value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            total += 4 + value.Length;
        }

        byte[] data = new byte[total];
        int at = 0;
        foreach (byte[] value in values)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), (uint)value.Length);
            value.CopyTo(data, at + 4);
            at += 4 + value.Length;
        }

        return Create(name, TensorDatatype.Bytes, shape, data, values.Count);
    }

    /// <summary>A <c>BYTES</c> tensor of texts, each sent as UTF-8 (prompts, sentences for an embedding model).</summary>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' count.</exception>
    public static InferTensor Text(string name, ReadOnlySpan<long> shape, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Bytes(name, shape, [.. values.Select(v => Encoding.UTF8.GetBytes(v ?? throw new ArgumentNullException(nameof(values))))]);
    }

    /// <summary>A tensor from values already in the protocol's binary form (little-endian; <c>BYTES</c> length-prefixed).</summary>
    /// <exception cref="ArgumentException">The bytes do not fit the datatype and shape.</exception>
    public static InferTensor FromBinary(string name, TensorDatatype datatype, ReadOnlySpan<long> shape, ReadOnlySpan<byte> data)
    {
        long elements = datatype == TensorDatatype.Bytes ? CountByteStrings(data) : data.Length / Math.Max(1, datatype.ElementSize());
        if (datatype != TensorDatatype.Bytes && data.Length % datatype.ElementSize() != 0)
        {
            throw new ArgumentException($"{data.Length} bytes are not a whole number of {datatype.Name()} elements ({datatype.ElementSize()} bytes each).", nameof(data));
        }

        return Create(name, datatype, shape, data.ToArray(), elements);
    }

    /// <summary>The same tensor with <paramref name="parameters"/> as its <c>parameters</c>.</summary>
    public InferTensor WithParameters(IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new InferTensor(Name, Datatype, _shape, _data, ElementCount, parameters);
    }

    /// <summary>The <c>BYTES</c> elements, each as its own array.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not <c>BYTES</c>.</exception>
    public IReadOnlyList<byte[]> ByteStrings() =>
        Datatype == TensorDatatype.Bytes ? ReadByteStrings(Data.Span) : throw new InvalidOperationException($"Tensor '{Name}' is {Datatype.Name()}, not BYTES.");

    /// <summary>The shape as the protocols print it: <c>[1,3,224,224]</c>.</summary>
    public static string FormatShape(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return "[" + string.Join(',', shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
    }

    internal static IReadOnlyList<byte[]> ReadByteStrings(ReadOnlySpan<byte> data)
    {
        var values = new List<byte[]>();
        int at = 0;
        while (at < data.Length)
        {
            int length = ReadLength(data, at);
            values.Add(data.Slice(at + 4, length).ToArray());
            at += 4 + length;
        }

        return values;
    }

    internal static long CountByteStrings(ReadOnlySpan<byte> data)
    {
        long count = 0;
        int at = 0;
        while (at < data.Length)
        {
            at += 4 + ReadLength(data, at);
            count++;
        }

        return count;
    }

    private static int ReadLength(ReadOnlySpan<byte> data, int at)
    {
        if (data.Length - at < 4)
        {
            throw new ArgumentException($"BYTES data ends inside an element's 4-byte length (at byte {at} of {data.Length}).", nameof(data));
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[at..]);
        if (length > data.Length - at - 4)
        {
            throw new ArgumentException($"a BYTES element at byte {at} says it has {length} bytes; only {data.Length - at - 4} follow.", nameof(data));
        }

        return (int)length;
    }

    private static InferTensor Numeric<T>(string name, TensorDatatype datatype, ReadOnlySpan<long> shape, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Tensors are built on little-endian machines only.");
        }

        return Create(name, datatype, shape, MemoryMarshal.AsBytes(values).ToArray(), values.Length);
    }

    private static InferTensor Create(string name, TensorDatatype datatype, ReadOnlySpan<long> shape, byte[] data, long elements)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        long product = 1;
        foreach (long dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"Tensor '{name}': shape {FormatShape(shape.ToArray())} has a negative dimension; give the real sizes (no -1).", nameof(shape));
            }

            product = checked(product * dimension);
        }

        if (product != elements)
        {
            throw new ArgumentException($"Tensor '{name}': shape {FormatShape(shape.ToArray())} holds {product} elements, but {elements} were given.", nameof(shape));
        }

        return new InferTensor(name, datatype, shape.ToArray(), data, elements, null);
    }
}
