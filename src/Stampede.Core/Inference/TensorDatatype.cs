namespace Stampede.Inference;

/// <summary>
/// The element types of the Open Inference Protocol (KServe v2, Triton), by their protocol names
/// (<see cref="TensorDatatypes.Name"/>): <c>BOOL</c>, <c>UINT8</c> … <c>FP64</c>, <c>BYTES</c>.
/// </summary>
public enum TensorDatatype
{
    /// <summary><c>BOOL</c>: one byte per element, 0 or 1.</summary>
    Bool,

    /// <summary><c>UINT8</c>.</summary>
    UInt8,

    /// <summary><c>UINT16</c>.</summary>
    UInt16,

    /// <summary><c>UINT32</c>.</summary>
    UInt32,

    /// <summary><c>UINT64</c>.</summary>
    UInt64,

    /// <summary><c>INT8</c>.</summary>
    Int8,

    /// <summary><c>INT16</c>.</summary>
    Int16,

    /// <summary><c>INT32</c>.</summary>
    Int32,

    /// <summary><c>INT64</c>.</summary>
    Int64,

    /// <summary><c>FP16</c>: IEEE 754 half precision.</summary>
    Fp16,

    /// <summary><c>FP32</c>.</summary>
    Fp32,

    /// <summary><c>FP64</c>.</summary>
    Fp64,

    /// <summary><c>BYTES</c>: byte strings of any length (text as UTF-8); in binary form each is a 4-byte little-endian length, then its bytes.</summary>
    Bytes,
}

/// <summary>Names and sizes of <see cref="TensorDatatype"/>.</summary>
public static class TensorDatatypes
{
    private static readonly string[] Names = ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"];
    private static readonly int[] Sizes = [1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, 0];

    /// <summary>The protocol's name of <paramref name="datatype"/>, e.g. <c>FP32</c>.</summary>
    public static string Name(this TensorDatatype datatype) => Names[(int)datatype];

    /// <summary>Bytes per element in the binary form; 0 for <see cref="TensorDatatype.Bytes"/>, whose elements vary.</summary>
    public static int ElementSize(this TensorDatatype datatype) => Sizes[(int)datatype];

    /// <summary>Reads a protocol name (<c>FP32</c>, case as the protocol writes it).</summary>
    public static bool TryParse(string? name, out TensorDatatype datatype)
    {
        int index = Array.IndexOf(Names, name);
        datatype = index < 0 ? default : (TensorDatatype)index;
        return index >= 0;
    }
}
