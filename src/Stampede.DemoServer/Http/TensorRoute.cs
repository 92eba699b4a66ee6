using Microsoft.AspNetCore.Http;
using Stampede.Demo.Inference;

namespace Stampede.Demo.Http;

/// <summary>What the tensor routes (KServe v2 and TF Serving REST) share: reading the body, and running the model on a parsed tensor.</summary>
internal static class TensorRoute
{
    /// <summary>Reads the body, or answers 503 (the model failed to load), 413 or 400 (empty) and returns none.</summary>
    public static async Task<RequestBody?> ReadBodyAsync(HttpContext context, WorkerPool pool, int maxBodyBytes, string emptyMessage)
    {
        if (pool.Host.FailureMessage is { } failure)
        {
            await JsonResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, failure).ConfigureAwait(false);
            return null;
        }

        var body = await RequestBody.ReadAsync(context.Request, maxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body.Status == BodyStatus.Read)
        {
            return body;
        }

        body.Dispose();
        await (body.Status == BodyStatus.TooLarge
            ? JsonResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"the body is larger than the limit of {maxBodyBytes} bytes")
            : JsonResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, emptyMessage)).ConfigureAwait(false);
        return null;
    }

    /// <summary>Queues <paramref name="tensor"/> for a worker and waits; answers 503 (queue full) or the worker's error and returns none.</summary>
    public static async Task<InferenceResult?> InferAsync(HttpContext context, WorkerPool pool, float[] tensor, long received)
    {
        var job = InferenceJob.ForTensor(tensor, received, context.RequestAborted);
        if (!pool.TryEnqueue(job))
        {
            await PredictEndpoint.RejectAsync(context, pool).ConfigureAwait(false);
            return null;
        }

        var result = await job.Completion.ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await JsonResponses.WriteErrorAsync(context, result.ErrorStatus, result.ErrorMessage ?? "inference failed").ConfigureAwait(false);
            return null;
        }

        return result;
    }
}
