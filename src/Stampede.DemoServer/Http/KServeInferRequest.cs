namespace Stampede.Demo.Http;

/// <summary>The parts of a KServe v2 (Open Inference Protocol) inference request this model uses.</summary>
/// <param name="Id">The request's <c>id</c>, echoed in the answer.</param>
/// <param name="InputName">The one input's name.</param>
/// <param name="BinaryOutput">Whether the answer's output goes in binary (the request asked for it with the binary extension).</param>
internal readonly record struct KServeInferRequest(string? Id, string InputName, bool BinaryOutput = false);

/// <summary>The bytes after a binary-extension request's JSON header; <see cref="IsPresent"/> is false for a plain JSON request.</summary>
internal readonly ref struct BinaryTensorData
{
    /// <summary>The header that gives the JSON part's length.</summary>
    public const string HeaderName = "Inference-Header-Content-Length";

    public BinaryTensorData(ReadOnlySpan<byte> data)
    {
        Data = data;
        IsPresent = true;
    }

    public ReadOnlySpan<byte> Data { get; }

    public bool IsPresent { get; }
}
