using System.Buffers;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Stampede.Http;
using Stampede.Metrics;

namespace Stampede.Inference.Grpc;

/// <summary>
/// A <see cref="GrpcUser"/>'s client of the KServe v2 gRPC API (<c>inference.GRPCInferenceService</c>, as Triton,
/// KServe and MLServer serve it), over HTTP/2 connections of its own. Every call is timed and recorded like an HTTP
/// request: one row per name (<c>GRPC</c> is the method), the gRPC status as the failure reason, the call's
/// deadline as its timeout.
/// </summary>
/// <remarks>
/// The results are <see cref="HttpResult"/>s, so checks (<see cref="InferChecks"/>) work on both: a gRPC status is
/// also given as the HTTP status the gRPC specification maps it to (<c>UNAVAILABLE</c> 503,
/// <c>RESOURCE_EXHAUSTED</c> 429, <c>INVALID_ARGUMENT</c> 400 …; <c>OK</c> 200), and <see cref="HttpResult.GrpcStatus"/> keeps the code itself.
/// </remarks>
public sealed class GrpcInferClient : IDisposable
{
    private const string ServiceName = "inference.GRPCInferenceService";

    // ModelInfer with a request that is already bytes: the body encoded once, the model's fields in front.
    private static readonly Method<PreEncodedRequest, ModelInferResponse> InferMethod = new(
        MethodType.Unary,
        ServiceName,
        "ModelInfer",
        Marshallers.Create<PreEncodedRequest>(static (request, context) => request.WriteTo(context), static _ => throw new NotSupportedException("The client never reads a request.")),
        Marshallers.Create(static r => r.ToByteArray(), ModelInferResponse.Parser.ParseFrom));

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly UserContext _context;

    // A task may send several calls at once (Task.WhenAll), so the prefixes of the models called are shared safely.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Model, string? Version), byte[]> _prefixes = new();

    internal GrpcInferClient(Uri address, UserContext context)
    {
        _context = context;
        RequestTimeout = context.Settings.RequestTimeout;
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = HttpSession.CreateHandler(context.Settings, useCookies: false, SourceAddresses.For(context.Settings.SourceAddresses, context.UserId)),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, context.Settings.MaxBodyBytes),
            MaxSendMessageSize = null,
            MaxRetryAttempts = 0,
        });
        _invoker = _channel.CreateCallInvoker();
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_invoker);
    }

    /// <summary>How long a call may take before it fails with a timeout (the call's gRPC deadline).</summary>
    /// <value>The run's <c>--request-timeout</c>.</value>
    public TimeSpan RequestTimeout { get; set; }

    /// <summary>
    /// <c>ModelInfer</c>: sends <paramref name="payload"/> (encoded with <see cref="InferProtocol.Grpc"/>) to
    /// <paramref name="model"/>; the answer is read into <see cref="HttpResult.Inference"/> and fails the call when
    /// malformed or without an output the request named. <paramref name="check"/> then runs.
    /// </summary>
    /// <exception cref="ArgumentException">The payload is not a gRPC one.</exception>
    public Task<HttpResult> ModelInferAsync(string model, InferPayload payload, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Protocol != InferProtocol.Grpc)
        {
            throw new ArgumentException(
                $"ModelInferAsync sends gRPC requests, and this payload is {payload.Protocol}: encode the request with InferProtocol.Grpc, or send it from an HttpUser with {(payload.IsTfServing ? "PredictAsync" : "InferAsync")}.",
                nameof(payload));
        }

        byte[] prefix = _prefixes.GetOrAdd((model, version), static key => GrpcInferEncoding.ModelPrefix(key.Model, key.Version));
        var request = new PreEncodedRequest(prefix, payload.Body);
        return CallAsync(
            name ?? $"infer {model}",
            request.Length,
            options => _invoker.AsyncUnaryCall(InferMethod, null, options, request),
            (result, response) => InferResponse.ReadInto(result, () => GrpcInferEncoding.Decode(response), payload.Outputs),
            check,
            timeout);
    }

    /// <summary><c>ModelReady</c>: fails unless the server says <paramref name="model"/> is ready. The answer's JSON form is the result's body.</summary>
    public Task<HttpResult> ModelReadyAsync(string model, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var request = new ModelReadyRequest { Name = model, Version = version ?? string.Empty };
        return CallAsync(
            name ?? $"model ready {model}",
            request.CalculateSize(),
            options => _client.ModelReadyAsync(request, options),
            (result, response) => Json(result, response, response.Ready ? null : $"model '{model}' is not ready"),
            check,
            timeout);
    }

    /// <summary><c>ServerLive</c>: fails unless the server says it is live.</summary>
    public Task<HttpResult> ServerLiveAsync(string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        CallAsync(
            name ?? "server live",
            0,
            options => _client.ServerLiveAsync(new ServerLiveRequest(), options),
            (result, response) => Json(result, response, response.Live ? null : "the server is not live"),
            check,
            timeout);

    /// <summary><c>ServerReady</c>: fails unless the server says it is ready.</summary>
    public Task<HttpResult> ServerReadyAsync(string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null) =>
        CallAsync(
            name ?? "server ready",
            0,
            options => _client.ServerReadyAsync(new ServerReadyRequest(), options),
            (result, response) => Json(result, response, response.Ready ? null : "the server is not ready"),
            check,
            timeout);

    /// <summary><c>ModelMetadata</c>: the model's inputs and outputs, as JSON in the result's body (<see cref="HttpResult.Json{T}"/>).</summary>
    public Task<HttpResult> ModelMetadataAsync(string model, string? name = null, Action<HttpResult>? check = null, TimeSpan? timeout = null, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var request = new ModelMetadataRequest { Name = model, Version = version ?? string.Empty };
        return CallAsync(
            name ?? $"model metadata {model}",
            request.CalculateSize(),
            options => _client.ModelMetadataAsync(request, options),
            (result, response) => Json(result, response, null),
            check,
            timeout);
    }

    /// <summary>Closes this user's connections.</summary>
    public void Dispose() => _channel.Dispose();

    private static string? Json(HttpResult result, IMessage response, string? error)
    {
        result.SetBody(System.Text.Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(response)));
        return error;
    }

    private async Task<HttpResult> CallAsync<TResponse>(
        string name,
        long bytesSent,
        Func<CallOptions, AsyncUnaryCall<TResponse>> call,
        Func<HttpResult, TResponse, string?> read,
        Action<HttpResult>? check,
        TimeSpan? timeout)
        where TResponse : IMessage
    {
        MetricsRecorder recorder = _context.Recorder;
        TimeProvider time = _context.Time;
        TimeSpan limit = timeout ?? RequestTimeout;
        int rowId = recorder.GetRowId("GRPC", name);
        CancellationToken kill = _context.Kill;
        long start = time.GetTimestamp();
        long intendedStart = _context.TakeIntendedStart(start, out bool scheduled);
        long firstByte = start;
        long end;
        TResponse? response = default;
        StatusCode status = StatusCode.OK;
        string? error = null;
        Exception? exception = null;
        bool noResponse = false;
        try
        {
            using AsyncUnaryCall<TResponse> pending = call(new CallOptions(deadline: DateTime.UtcNow + limit, cancellationToken: kill));
            await pending.ResponseHeadersAsync.ConfigureAwait(false);
            firstByte = time.GetTimestamp();
            response = await pending.ResponseAsync.ConfigureAwait(false);
            end = time.GetTimestamp();
        }
        catch (RpcException ex) when (kill.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
        {
            // The user is being stopped: the call is abandoned, not measured.
            throw new OperationCanceledException(kill);
        }
        catch (RpcException ex)
        {
            end = time.GetTimestamp();
            status = ex.StatusCode;
            exception = ex;
            Exception? transport = status == StatusCode.Unavailable ? ex.Status.DebugException : null;
            noResponse = status == StatusCode.DeadlineExceeded || (transport is not null && HasSocketError(transport));
            bool notHttp2 = ex.Status.DebugException is { } debug && IsNotHttp2(debug);
            noResponse |= notHttp2;
            error = status == StatusCode.DeadlineExceeded ? FailureReason.ForTimeout(limit)
                : notHttp2 ? NotGrpc
                : noResponse ? FailureReason.ForException(transport!)
                : string.Create(CultureInfo.InvariantCulture, $"gRPC {Name(status)}: {ex.Status.Detail}");
            if (transport is not null)
            {
                recorder.NoteCause(error, UnreachableCause.Of(transport, new Uri(_channel.Target.Contains("://", StringComparison.Ordinal) ? _channel.Target : "http://" + _channel.Target)));
            }
        }

        double frequency = time.TimestampFrequency;
        var result = new HttpResult(
            noResponse ? 0 : HttpStatus(status),
            null,
            null,
            null,
            [],
            TimeSpan.FromSeconds((end - start) / frequency),
            TimeSpan.FromSeconds((firstByte - start) / frequency),
            error,
            exception)
        {
            GrpcStatus = status,
        };

        long received = 0;
        if (response is not null)
        {
            received = response.CalculateSize();
            if (read(result, response) is { } readError)
            {
                result.Failure(readError);
            }
        }

        RequestRecording.CheckAndRecord(recorder, result, check, rowId, intendedStart, start, firstByte, end, bytesSent, received, scheduled);
        return result;
    }

    /// <summary>The reason when the host answers, but not in HTTP/2: a REST port given for a gRPC one.</summary>
    internal const string NotGrpc = "NotGrpc: the host does not speak HTTP/2, so it is not a gRPC endpoint; give the server's gRPC port as --host (Triton's is 8001; serve-demo's is --grpc-port)";

    private static bool IsNotHttp2(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpProtocolException { ErrorCode: 0xd } || e.Message.Contains("HTTP/2 handshake", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasSocketError(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The status code's name as the gRPC specification writes it: <c>UNAVAILABLE</c>, <c>DEADLINE_EXCEEDED</c>.</summary>
    internal static string Name(StatusCode status) => status switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.Unknown => "UNKNOWN",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => ((int)status).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The HTTP status the gRPC specification maps a code to (doc/http-grpc-status-mapping.md, read in reverse; codes it does not map are 500).</summary>
    internal static int HttpStatus(StatusCode status) => status switch
    {
        StatusCode.OK => 200,
        StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition => 400,
        StatusCode.Unauthenticated => 401,
        StatusCode.PermissionDenied => 403,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted => 409,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Cancelled => 499,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        StatusCode.DeadlineExceeded => 504,
        _ => 500,
    };

    /// <summary>A ModelInfer request as bytes: the model's fields, then the body encoded once (protobuf reads the two as one message).</summary>
    private sealed class PreEncodedRequest(byte[] prefix, byte[] body)
    {
        public long Length => prefix.Length + body.Length;

        public void WriteTo(SerializationContext context)
        {
            context.SetPayloadLength(prefix.Length + body.Length);
            IBufferWriter<byte> writer = context.GetBufferWriter();
            writer.Write(prefix);
            writer.Write(body);
            context.Complete();
        }
    }
}
