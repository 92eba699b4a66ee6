using System.Diagnostics;
using System.Globalization;
using SkiaSharp;

namespace Stampede.Demo.Inference;

/// <summary>
/// One inference worker: a dedicated thread that takes one job at a time from the queue and runs decode, resize,
/// normalisation and the model for it. A dedicated thread, because every job is tens of milliseconds of blocking
/// CPU work that would otherwise hold thread-pool threads Kestrel needs for I/O.
/// </summary>
internal sealed class InferenceWorker
{
    private readonly WorkerPool _pool;
    private readonly Task _readiness;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;

    public InferenceWorker(int id, WorkerPool pool, Task readiness)
    {
        _pool = pool;
        _readiness = readiness;
        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = string.Create(CultureInfo.InvariantCulture, $"stampede-demo-worker-{id}"),
        };
    }

    /// <summary>True once the worker's cold start is over and until it is told to stop.</summary>
    public bool IsReady => _readiness.IsCompletedSuccessfully && !_stop.IsCancellationRequested;

    public Task Exited => _exited.Task;

    public void Start() => _thread.Start();

    /// <summary>Asks the worker to exit after the job it is running, if any.</summary>
    public void Stop() => _stop.Cancel();

    private static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private void Run()
    {
        ModelBuffers? buffers = null;
        SKBitmap? modelImage = null;
        try
        {
            _readiness.Wait(_stop.Token);
            buffers = ResNetModel.CreateBuffers();
            modelImage = ImagePreprocessor.CreateModelBitmap();
            var queue = _pool.Queue;
            while (!_stop.IsCancellationRequested)
            {
                if (queue.TryRead(out var job))
                {
                    _pool.EnterBusy();
                    try
                    {
                        InferenceResult result;
                        try
                        {
                            result = Process(job, buffers, modelImage);
                        }
                        catch (Exception exception)
                        {
                            // Never let one request end the worker (or, from a dedicated thread, the process).
                            result = InferenceResult.Error(500, $"inference failed: {exception.Message}");
                        }

                        job.Complete(result);
                        _pool.Metrics.RecordStages(result);
                    }
                    finally
                    {
                        _pool.ExitBusy();
                    }

                    continue;
                }

                var waiting = queue.WaitToReadAsync(_stop.Token);
                var more = waiting.IsCompleted ? waiting.Result : waiting.AsTask().GetAwaiter().GetResult();
                if (!more)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped (scale-down or shutdown) while waiting.
        }
        catch (AggregateException)
        {
            // The model failed to load: the readiness task faulted; the host reports why.
        }
        finally
        {
            buffers?.Dispose();
            modelImage?.Dispose();
            _exited.TrySetResult();
        }
    }

    private InferenceResult Process(InferenceJob job, ModelBuffers buffers, SKBitmap modelImage)
    {
        var taken = Stopwatch.GetTimestamp();
        var queueMs = Milliseconds(job.EnqueuedAt, taken);
        if (job.Aborted.IsCancellationRequested)
        {
            return InferenceResult.Error(InferenceResult.ClientClosedRequest, "the client closed the request before a worker took it");
        }

        try
        {
            int width = ResNetModel.Width, height = ResNetModel.Height;
            long decoded, resized;
            if (job.Tensor is { } tensor)
            {
                tensor.AsSpan(0, ResNetModel.InputLength).CopyTo(buffers.Input);
                decoded = resized = taken;
            }
            else
            {
                using var image = ImagePreprocessor.Decode(job.Image.AsSpan(0, job.ImageLength));
                (width, height) = (image.Width, image.Height);
                decoded = Stopwatch.GetTimestamp();
                ImagePreprocessor.Normalize(ImagePreprocessor.Resize(image, modelImage), buffers.Input);
                resized = Stopwatch.GetTimestamp();
            }

            _pool.Host.Model.Run(buffers);
            var inferred = Stopwatch.GetTimestamp();
            var embedding = buffers.Output.ToArray();
            var (label, similarity) = _pool.Host.Prototypes.Match(embedding);
            return new InferenceResult
            {
                Embedding = embedding,
                LabelIndex = label,
                Similarity = similarity,
                ImageWidth = width,
                ImageHeight = height,
                QueueMs = queueMs,
                DecodeMs = Milliseconds(taken, decoded),
                ResizeMs = Milliseconds(decoded, resized),
                InferenceMs = Milliseconds(resized, inferred),
            };
        }
        catch (ImageRejectedException exception)
        {
            return InferenceResult.Error(400, exception.Message);
        }
        catch (Exception exception)
        {
            return InferenceResult.Error(500, $"inference failed: {exception.Message}");
        }
    }
}
