using Stampede.Inference.Grpc;

namespace Stampede;

/// <summary>
/// A virtual user of a KServe v2 gRPC inference server (Triton, KServe, MLServer) through its own <see cref="Infer"/>
/// client, which times and records every call like <see cref="HttpUser"/>'s requests.
/// </summary>
/// <remarks>
/// Each user owns its HTTP/2 connection to the host (<c>--host http://127.0.0.1:8001</c>: plain-text HTTP/2 with prior
/// knowledge; <c>https://</c> for TLS), so a crowd of users opens a crowd of connections, as real clients would.
/// </remarks>
public abstract class GrpcUser : User
{
    private GrpcInferClient? _infer;

    /// <summary>This user's gRPC inference client: <c>ModelInferAsync</c>, <c>ModelReadyAsync</c>, <c>ServerLiveAsync</c>, <c>ModelMetadataAsync</c>.</summary>
    public GrpcInferClient Infer => _infer ?? throw new InvalidOperationException(
        $"{GetType().Name}.Infer is available from OnStartAsync on, not in the constructor.");

    internal override void Attach(UserContext context)
    {
        base.Attach(context);
        string host = Host ?? context.Settings.Host
            ?? throw new InvalidOperationException($"{GetType().Name} needs a host: pass --host (the server's gRPC address, e.g. http://127.0.0.1:8001) or override Host.");
        _infer = new GrpcInferClient(new Uri(host, UriKind.Absolute), context);
    }

    internal override void Detach()
    {
        _infer?.Dispose();
        _infer = null;
        base.Detach();
    }
}
