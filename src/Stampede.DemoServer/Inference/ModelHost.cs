using System.Diagnostics;

namespace Stampede.Demo.Inference;

/// <summary>
/// Loads the model in the background and warms it up: the cold start. <see cref="Ready"/> completes once the
/// session exists and the 16 prototype embeddings (which are also the warm-up inferences) are computed.
/// </summary>
internal sealed class ModelHost : IDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ResNetModel? _model;
    private PrototypeSet? _prototypes;
    private Task _loading = Task.CompletedTask;

    /// <summary>Completes when the model can serve; faults when it could not be loaded.</summary>
    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Why the model could not be loaded, once that is known.</summary>
    public string? FailureMessage { get; private set; }

    /// <summary>Session creation plus warm-up (real time); null until ready.</summary>
    public TimeSpan? ColdStart { get; private set; }

    public ResNetModel Model => _model ?? throw new InvalidOperationException("The model is not loaded yet.");

    public PrototypeSet Prototypes => _prototypes ?? throw new InvalidOperationException("The model is not loaded yet.");

    /// <summary>Starts loading on a thread-pool thread and returns at once.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="parallelism">Threads for the warm-up inferences (one session thread each).</param>
    /// <param name="beforeLoad">A hook the tests use to hold the server in its loading state; null otherwise.</param>
    /// <param name="cancellationToken">Stops the warm-up when the server stops during its cold start.</param>
    public void StartLoading(string path, int parallelism, Func<CancellationToken, Task>? beforeLoad, CancellationToken cancellationToken) =>
        _loading = Task.Run(() => LoadAsync(path, parallelism, beforeLoad, cancellationToken), CancellationToken.None);

    /// <summary>Waits for a load in progress to end, however it ends.</summary>
    public Task WhenLoadingEndsAsync() => _loading;

    public void Dispose() => _model?.Dispose();

    private async Task LoadAsync(string path, int parallelism, Func<CancellationToken, Task>? beforeLoad, CancellationToken cancellationToken)
    {
        try
        {
            if (beforeLoad is not null)
            {
                await beforeLoad(cancellationToken).ConfigureAwait(false);
            }

            var started = Stopwatch.GetTimestamp();
            _model = ResNetModel.Load(path);
            _prototypes = new PrototypeSet(ComputePrototypeEmbeddings(_model, parallelism, cancellationToken));
            ColdStart = Stopwatch.GetElapsedTime(started);
            _ready.TrySetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            FailureMessage = "the server stopped before the model was ready";
            _ready.TrySetCanceled(cancellationToken);
        }
        catch (Exception exception)
        {
            FailureMessage = $"the model failed to load: {exception.Message}";
            _ready.TrySetException(exception);
        }
    }

    private static float[][] ComputePrototypeEmbeddings(ResNetModel model, int parallelism, CancellationToken cancellationToken)
    {
        var embeddings = new float[PrototypeSet.Names.Count][];
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Clamp(parallelism, 1, Environment.ProcessorCount),
            CancellationToken = cancellationToken,
        };
        Parallel.For(
            0,
            embeddings.Length,
            options,
            ResNetModel.CreateBuffers,
            (index, _, buffers) =>
            {
                using (var image = PrototypeSet.Render(index))
                {
                    ImagePreprocessor.Normalize(image, buffers.Input);
                }

                model.Run(buffers);
                embeddings[index] = buffers.Output.ToArray();
                return buffers;
            },
            buffers => buffers.Dispose());
        return embeddings;
    }
}
