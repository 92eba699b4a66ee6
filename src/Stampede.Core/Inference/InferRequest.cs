namespace Stampede.Inference;

/// <summary>
/// An inference request: named input tensors, the outputs wanted (all when none are named) and parameters. Encode it
/// once with <see cref="Encode"/> and send the <see cref="InferPayload"/> as often as needed: nothing is serialised
/// again on the request path.
/// </summary>
public sealed class InferRequest
{
    private static readonly IReadOnlyDictionary<string, object> NoParameters = new Dictionary<string, object>();

    /// <summary>A request of <paramref name="inputs"/>.</summary>
    /// <exception cref="ArgumentException">No inputs, or two with one name.</exception>
    public InferRequest(params IReadOnlyList<InferTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("An inference request needs at least one input tensor.", nameof(inputs));
        }

        if (inputs.GroupBy(i => i.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Two inputs are named '{twice.Key}'; each input needs its own name.", nameof(inputs));
        }

        Inputs = inputs;
    }

    /// <summary>The request's <c>id</c>, echoed by KServe v2 servers; none by default.</summary>
    public string? Id { get; init; }

    /// <summary>The input tensors, in the order they are sent.</summary>
    public IReadOnlyList<InferTensor> Inputs { get; }

    /// <summary>The outputs to ask for by name; empty (the default) asks for every output the model has.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>The request's <c>parameters</c> (KServe v2): strings, booleans, integers or numbers.</summary>
    public IReadOnlyDictionary<string, object> Parameters { get; init; } = NoParameters;

    /// <summary>TensorFlow Serving's <c>signature_name</c>; the model's default signature when none.</summary>
    public string? SignatureName { get; init; }

    /// <summary>Encodes the request once for <paramref name="protocol"/>.</summary>
    /// <exception cref="ArgumentException">The request cannot be written in that protocol (e.g. a scalar in TF Serving's row format).</exception>
    public InferPayload Encode(InferProtocol protocol) => protocol switch
    {
        InferProtocol.KServeJson => KServeV2Encoder.Json(this),
        InferProtocol.KServeBinary => KServeV2Encoder.Binary(this),
        InferProtocol.TfServingRow or InferProtocol.TfServingColumnar => TfServingEncoder.Encode(this, protocol),
        InferProtocol.Grpc => Grpc.GrpcInferEncoding.Encode(this),
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Not an inference protocol."),
    };
}

/// <summary>The wire formats an <see cref="InferRequest"/> can be sent in.</summary>
public enum InferProtocol
{
    /// <summary>KServe v2 / Open Inference Protocol REST with every value in JSON (<c>"data": [...]</c>).</summary>
    KServeJson,

    /// <summary>
    /// KServe v2 REST with the binary tensor data extension (Triton's): a JSON header whose length is the
    /// <c>Inference-Header-Content-Length</c> header, then each input's raw little-endian bytes; outputs are asked
    /// for in binary too.
    /// </summary>
    KServeBinary,

    /// <summary>TensorFlow Serving REST, row format: <c>{"instances": [...]}</c>, one entry per batch element.</summary>
    TfServingRow,

    /// <summary>TensorFlow Serving REST, columnar format: <c>{"inputs": ...}</c>, each input whole.</summary>
    TfServingColumnar,

    /// <summary>
    /// KServe v2 gRPC (<c>GRPCInferenceService/ModelInfer</c>): a <c>ModelInferRequest</c> with every input in
    /// <c>raw_input_contents</c>, serialised once; sent by a <see cref="GrpcUser"/>'s <c>Infer</c> client.
    /// </summary>
    Grpc,
}
