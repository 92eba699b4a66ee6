using System.Globalization;
using Stampede.Demo.Http;
using Stampede.Demo.Llm;

namespace Stampede.Demo;

public sealed partial class DemoServer
{
    /// <summary>Exit code of <see cref="RunAsync(DemoServerOptions, CancellationToken)"/> after a normal stop.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code when the server could not listen or the model could not be loaded.</summary>
    public const int ExitFailed = 1;

    /// <summary>Exit code when an option is invalid.</summary>
    public const int ExitInvalidOptions = 2;

    /// <summary>
    /// Runs the demo server until <paramref name="cancellationToken"/> is cancelled (what <c>stampede serve-demo</c>
    /// does): prints the address as soon as it listens, and a line when the model is ready.
    /// </summary>
    /// <param name="options">Where to listen and how much work to take.</param>
    /// <param name="cancellationToken">Stops the server, typically on Ctrl+C.</param>
    /// <returns><see cref="ExitOk"/> after a stop on cancellation, <see cref="ExitFailed"/> when it could not listen or
    /// load the model, <see cref="ExitInvalidOptions"/> when an option is invalid (the reason goes to standard error).</returns>
    public static Task<int> RunAsync(DemoServerOptions options, CancellationToken cancellationToken) =>
        RunAsync(options, Console.Out, Console.Error, cancellationToken);

    internal static async Task<int> RunAsync(DemoServerOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            options.Validate();
        }
        catch (ArgumentException exception)
        {
            await error.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return ExitInvalidOptions;
        }

        DemoServer server;
        try
        {
            server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitOk;
        }
        catch (IOException exception)
        {
            await error.WriteLineAsync($"The demo server could not listen on {options.Host}:{options.Port}: {exception.Message}").ConfigureAwait(false);
            return ExitFailed;
        }

        await using (server.ConfigureAwait(false))
        {
            await output.WriteLineAsync($"Stampede demo ML API (ResNet-18, ONNX Runtime CPU) listening on {server.Address}").ConfigureAwait(false);
            await output.WriteLineAsync(Describe(options)).ConfigureAwait(false);
            await output.WriteLineAsync("Loading the model...").ConfigureAwait(false);
            try
            {
                await server.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitOk;
            }
            catch (Exception exception)
            {
                await error.WriteLineAsync($"The demo server is not ready: {exception.Message}").ConfigureAwait(false);
                return ExitFailed;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Ready: model loaded and warmed up in {server.ColdStart?.TotalSeconds:0.00} s.")).ConfigureAwait(false);
            await output.WriteLineAsync($"  POST {server.Address}/predict  (image/jpeg, image/png or {{\"image\":\"<base64>\"}})").ConfigureAwait(false);
            await output.WriteLineAsync($"  POST {server.Address}{KServeEndpoints.InferRoute}  (KServe v2, JSON or binary tensors)").ConfigureAwait(false);
            await output.WriteLineAsync($"  POST {server.Address}{TfServingEndpoints.PredictRoute}  (TensorFlow Serving REST)").ConfigureAwait(false);
            if (server.GrpcAddress is { } grpc)
            {
                await output.WriteLineAsync($"  gRPC {grpc}  (KServe v2 inference.GRPCInferenceService: ModelInfer, ModelReady, ModelMetadata, ServerLive)").ConfigureAwait(false);
            }
            if (options.Llm is not null)
            {
                await output.WriteLineAsync($"  POST {server.Address}{LlmEndpoints.ChatRoute}  (LLM timing simulator, OpenAI chat; not a language model)").ConfigureAwait(false);
                await output.WriteLineAsync($"  POST {server.Address}{LlmEndpoints.CompletionsRoute}  (LLM timing simulator, OpenAI completions)").ConfigureAwait(false);
                await output.WriteLineAsync($"  GET  {server.Address}{LlmEndpoints.ModelsRoute}  (the simulator's model name)").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"  GET  {server.Address}/metrics  (Prometheus)").ConfigureAwait(false);
            await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Asked to stop.
            }

            await output.WriteLineAsync("Stopping.").ConfigureAwait(false);
        }

        return ExitOk;
    }

    private static string Describe(DemoServerOptions options)
    {
        var limits = string.Create(CultureInfo.InvariantCulture,
            $"  queue: {options.MaxQueue} requests, max body: {options.MaxBodyBytes} bytes");
        if (options.Llm is { } llm)
        {
            limits += Environment.NewLine + string.Create(CultureInfo.InvariantCulture,
                $"  LLM simulator: TTFT {llm.Ttft.TotalMilliseconds:0.###} ms + {llm.PrefillPerToken.TotalMilliseconds:0.###} ms per prompt token, ITL {llm.Itl.TotalMilliseconds:0.###} ms (jitter {llm.Jitter:0.###}), batch {llm.MaxBatch} (slowdown {llm.Slowdown:0.###})");
        }
        return options.Autoscale is { } range
            ? string.Create(CultureInfo.InvariantCulture,
                $"  workers: autoscaled {range} (add one when more than {options.ScaleUpQueueThreshold} wait for {options.ScaleUpDelay.TotalSeconds:0.###} s, cold start {options.WorkerColdStart.TotalSeconds:0.###} s; remove one after {options.ScaleDownDelay.TotalSeconds:0.###} s idle);") + limits
            : string.Create(CultureInfo.InvariantCulture, $"  workers: {options.Workers};") + limits;
    }
}
