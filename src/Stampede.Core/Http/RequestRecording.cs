using Stampede.Metrics;

namespace Stampede.Http;

/// <summary>The end of every timed request, HTTP or gRPC: the scenario's check, then one sample for the recorder.</summary>
internal static class RequestRecording
{
    /// <summary>
    /// Runs <paramref name="check"/> on <paramref name="result"/> (a check that throws fails the request with
    /// <c>CheckFailed: Type: message</c>), seals the result and records its sample.
    /// </summary>
    public static void CheckAndRecord(
        MetricsRecorder recorder,
        HttpResult result,
        Action<HttpResult>? check,
        int rowId,
        long intendedStart,
        long start,
        long firstByte,
        long end,
        long bytesSent,
        long received,
        bool scheduled)
    {
        if (check is not null)
        {
            try
            {
                check(result);
            }
#pragma warning disable CA1031 // A check that throws is a failed check, reported as the request's failure, not a crash.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result.Failure($"CheckFailed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        result.Seal();
        int errorId = result.Error is null ? 0 : recorder.GetErrorId(result.Error);
        var sample = new RequestSample(rowId, errorId, result.StatusCode, intendedStart, start, firstByte, end, bytesSent, received, scheduled);
        recorder.Record(in sample);
    }
}
