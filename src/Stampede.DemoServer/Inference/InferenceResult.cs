namespace Stampede.Demo.Inference;

/// <summary>What a worker made of one job: an embedding with its timings, or an HTTP error to answer with.</summary>
internal sealed class InferenceResult
{
    /// <summary>The status of a request whose client disconnected before the answer (nginx's "client closed request").</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>The 512-value embedding; null when <see cref="ErrorStatus"/> is set.</summary>
    public float[]? Embedding { get; init; }

    public int LabelIndex { get; init; }

    public float Similarity { get; init; }

    public int ImageWidth { get; init; }

    public int ImageHeight { get; init; }

    /// <summary>Time in the queue before a worker took the job (ms).</summary>
    public double QueueMs { get; init; }

    /// <summary>Full-resolution decode (ms).</summary>
    public double DecodeMs { get; init; }

    /// <summary>Resize to 224×224 plus normalisation into the tensor (ms).</summary>
    public double ResizeMs { get; init; }

    /// <summary>The model run (ms).</summary>
    public double InferenceMs { get; init; }

    /// <summary>The HTTP status to answer with when the job failed; 0 on success.</summary>
    public int ErrorStatus { get; init; }

    public string? ErrorMessage { get; init; }

    public bool Succeeded => ErrorStatus == 0;

    public static InferenceResult Error(int status, string message) => new() { ErrorStatus = status, ErrorMessage = message };
}
