using System.Globalization;
using System.Net.Http.Headers;

namespace Stampede.Inference;

/// <summary>
/// An inference request encoded once (<see cref="InferRequest.Encode"/>): the body, its content type and, for the
/// binary extension, the JSON header's length. <see cref="CreateContent"/> wraps the same bytes for each request.
/// </summary>
public sealed class InferPayload
{
    /// <summary>The header that gives the JSON part's length in KServe v2's binary tensor extension.</summary>
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    internal InferPayload(InferProtocol protocol, byte[] body, string contentType, int? headerLength, IReadOnlyList<string> outputs)
    {
        Protocol = protocol;
        Body = body;
        ContentType = contentType;
        HeaderLength = headerLength;
        Outputs = outputs;
    }

    /// <summary>The format the body is in.</summary>
    public InferProtocol Protocol { get; }

    /// <summary>The encoded body; do not change it.</summary>
    public byte[] Body { get; }

    /// <summary>The body's media type: <c>application/json</c>, or <c>application/octet-stream</c> for the binary extension.</summary>
    public string ContentType { get; }

    /// <summary>The JSON header's length in bytes for <see cref="InferProtocol.KServeBinary"/>; otherwise none.</summary>
    public int? HeaderLength { get; }

    /// <summary>The outputs the request asks for by name (empty: all of them); an answer without one of them fails.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Whether this is a KServe v2 REST body (JSON or binary), sent by <c>InferAsync</c>.</summary>
    public bool IsKServe => Protocol is InferProtocol.KServeJson or InferProtocol.KServeBinary;

    /// <summary>Whether this is a TF Serving REST body, sent by <c>PredictAsync</c>.</summary>
    public bool IsTfServing => Protocol is InferProtocol.TfServingRow or InferProtocol.TfServingColumnar;

    /// <summary>A new <see cref="HttpContent"/> over <see cref="Body"/> (not copied), with its content headers.</summary>
    public HttpContent CreateContent()
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        if (HeaderLength is { } length)
        {
            content.Headers.TryAddWithoutValidation(HeaderLengthHeader, length.ToString(CultureInfo.InvariantCulture));
        }

        return content;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Protocol}: {Body.Length} bytes");
}

/// <summary>
/// Several encoded requests taken in turn (a pool of images as tensors, say), thread-safe: each user's task takes
/// <see cref="Next"/> and sends it; all the encoding happened when the pool was built.
/// </summary>
public sealed class InferPayloadPool
{
    private readonly InferPayload[] _payloads;
    private int _next = -1;

    /// <summary>A pool of <paramref name="payloads"/>, taken in order and round again.</summary>
    /// <exception cref="ArgumentException">No payloads.</exception>
    public InferPayloadPool(IEnumerable<InferPayload> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        _payloads = [.. payloads];
        if (_payloads.Length == 0)
        {
            throw new ArgumentException("An inference payload pool needs at least one payload.", nameof(payloads));
        }
    }

    /// <summary>How many payloads the pool holds.</summary>
    public int Count => _payloads.Length;

    /// <summary>The payloads' average body size, bytes.</summary>
    public long AverageBytes => (long)_payloads.Average(p => (double)p.Body.Length);

    /// <summary>
    /// Every image of <paramref name="images"/> turned into a request by <paramref name="build"/> (e.g. with
    /// <see cref="ImageTensors.Fp32"/>) and encoded for <paramref name="protocol"/>, once.
    /// </summary>
    public static InferPayloadPool FromImages(ImagePool images, Func<byte[], InferRequest> build, InferProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(build);
        return new InferPayloadPool(images.Select(image => build(image.ToArray()).Encode(protocol)));
    }

    /// <summary>The next payload, in turn.</summary>
    public InferPayload Next() => _payloads[(int)((uint)Interlocked.Increment(ref _next) % (uint)_payloads.Length)];
}
