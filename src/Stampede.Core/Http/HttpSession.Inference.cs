using System.Globalization;
using Stampede.Inference;

namespace Stampede.Http;

public sealed partial class HttpSession
{
    /// <summary>
    /// Sends a KServe v2 / Open Inference Protocol REST inference request, <c>POST /v2/models/MODEL/infer</c>
    /// (or <c>/v2/models/MODEL/versions/VERSION/infer</c>), encoded once as JSON or with the binary tensor extension.
    /// A 2xx answer is read (<see cref="HttpResult.Inference"/>) and fails the request when it is malformed or lacks
    /// an output the request asked for; <paramref name="check"/> then runs, as for any request.
    /// </summary>
    /// <param name="model">The model's name, as the server lists it.</param>
    /// <param name="payload">The request, encoded with <see cref="InferProtocol.KServeJson"/> or <see cref="InferProtocol.KServeBinary"/>.</param>
    /// <param name="name">The statistics row; defaults to <c>infer MODEL</c>.</param>
    /// <param name="check">Inspects the result (its <see cref="HttpResult.Inference"/>) before it is recorded; see <see cref="InferChecks"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    /// <param name="version">The model version; the server's choice when none.</param>
    /// <exception cref="ArgumentException">The payload is not a KServe v2 one.</exception>
    public Task<HttpResult> InferAsync(string model, InferPayload payload, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(payload);
        if (!payload.IsKServe)
        {
            throw new ArgumentException(
                $"InferAsync sends KServe v2 REST requests, and this payload is {payload.Protocol}: encode the request with InferProtocol.KServeJson or KServeBinary, or send it with {(payload.Protocol == InferProtocol.Grpc ? "a GrpcUser's Infer.ModelInferAsync" : "PredictAsync")}.",
                nameof(payload));
        }

        string path = version is null
            ? $"/v2/models/{Uri.EscapeDataString(model)}/infer"
            : $"/v2/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}/infer";
        return SendAsync(HttpMethod.Post, path, payload.CreateContent(), name ?? $"infer {model}", result => ReadInference(result, payload, check), timeout);
    }

    /// <summary>
    /// Sends a TensorFlow Serving REST <c>predict</c> request, <c>POST /v1/models/MODEL:predict</c> (or
    /// <c>/v1/models/MODEL/versions/VERSION:predict</c>), in the row or columnar format. A 2xx answer is read
    /// (<see cref="HttpResult.Inference"/>: <c>predictions</c> or <c>outputs</c>) and fails the request when malformed.
    /// </summary>
    /// <param name="model">The model's name.</param>
    /// <param name="payload">The request, encoded with <see cref="InferProtocol.TfServingRow"/> or <see cref="InferProtocol.TfServingColumnar"/>.</param>
    /// <param name="name">The statistics row; defaults to <c>predict MODEL</c>.</param>
    /// <param name="check">Inspects the result before it is recorded; see <see cref="InferChecks"/>.</param>
    /// <param name="timeout">Overrides <see cref="RequestTimeout"/> for this request.</param>
    /// <param name="version">The model version; the server's choice when none.</param>
    /// <exception cref="ArgumentException">The payload is not a TF Serving one.</exception>
    public Task<HttpResult> PredictAsync(string model, InferPayload payload, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(payload);
        if (!payload.IsTfServing)
        {
            throw new ArgumentException($"PredictAsync sends TensorFlow Serving requests, and this payload is {payload.Protocol}: encode the request with InferProtocol.TfServingRow or TfServingColumnar, or send it with {(payload.Protocol == InferProtocol.Grpc ? "a GrpcUser's Infer.ModelInferAsync" : "InferAsync")}.", nameof(payload));
        }

        string path = version is null
            ? $"/v1/models/{Uri.EscapeDataString(model)}:predict"
            : $"/v1/models/{Uri.EscapeDataString(model)}/versions/{Uri.EscapeDataString(version)}:predict";
        return SendAsync(HttpMethod.Post, path, payload.CreateContent(), name ?? $"predict {model}", result => ReadInference(result, payload, check), timeout);
    }

    private static void ReadInference(HttpResult result, InferPayload payload, Action<HttpResult>? check)
    {
        if (result.IsSuccess && result.StatusCode is >= 200 and < 300)
        {
            if (result.BodyTruncated)
            {
                result.Failure("the inference answer is longer than --max-body and was cut; raise --max-body to read it");
            }
            else if (Read(result, payload) is { } error)
            {
                result.Failure(error);
            }
        }

        check?.Invoke(result);
    }

    /// <summary>Reads the answer into <see cref="HttpResult.Inference"/>; the failure reason when it does not do.</summary>
    private static string? Read(HttpResult result, InferPayload payload)
    {
        int? headerLength = null;
        if (HeaderValue(result, InferPayload.HeaderLengthHeader) is { } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int length))
            {
                return $"malformed inference answer: {InferPayload.HeaderLengthHeader} is '{text}', not a byte count";
            }

            headerLength = length;
        }

        // TF Serving names its outputs itself (predictions, outputs): only KServe answers are held to the names asked for.
        return InferResponse.ReadInto(
            result,
            () => payload.IsKServe ? InferResponse.ReadKServe(result.Body, headerLength) : InferResponse.ReadTfServing(result.Body),
            payload.IsKServe ? payload.Outputs : []);
    }

    private static string? HeaderValue(HttpResult result, string name) =>
        result.Headers is { } headers && headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault()
        : result.ContentHeaders is { } content && content.TryGetValues(name, out IEnumerable<string>? contentValues) ? contentValues.FirstOrDefault()
        : null;
}
