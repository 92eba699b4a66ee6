using System.Diagnostics;

namespace Stampede.Demo.Inference;

/// <summary>
/// One request waiting for, or being run by, a worker: an encoded image (<c>/predict</c>) or a ready tensor
/// (KServe infer). The request handler owns the buffers and returns them to their pool only after
/// <see cref="Completion"/> finishes, so a worker never reads memory that was handed back.
/// </summary>
internal sealed class InferenceJob
{
    private readonly TaskCompletionSource<InferenceResult> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private InferenceJob(byte[]? image, int imageLength, float[]? tensor, long receivedAt, CancellationToken aborted)
    {
        Image = image;
        ImageLength = imageLength;
        Tensor = tensor;
        ReceivedAt = receivedAt;
        Aborted = aborted;
    }

    /// <summary>The encoded image, valid for <see cref="ImageLength"/> bytes; null for a tensor job.</summary>
    public byte[]? Image { get; }

    public int ImageLength { get; }

    /// <summary>The normalised CHW input (<see cref="ResNetModel.InputLength"/> floats); null for an image job.</summary>
    public float[]? Tensor { get; }

    /// <summary>When the request arrived (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long ReceivedAt { get; }

    /// <summary>When the job entered the queue (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long EnqueuedAt { get; private set; }

    /// <summary>Cancelled when the client went away: a worker then skips the job.</summary>
    public CancellationToken Aborted { get; }

    public Task<InferenceResult> Completion => _completion.Task;

    public static InferenceJob ForImage(byte[] image, int length, long receivedAt, CancellationToken aborted) =>
        new(image, length, null, receivedAt, aborted);

    public static InferenceJob ForTensor(float[] tensor, long receivedAt, CancellationToken aborted) =>
        new(null, 0, tensor, receivedAt, aborted);

    public void MarkEnqueued() => EnqueuedAt = Stopwatch.GetTimestamp();

    public void Complete(InferenceResult result) => _completion.TrySetResult(result);
}
