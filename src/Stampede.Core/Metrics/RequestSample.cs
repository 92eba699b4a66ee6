namespace Stampede.Metrics;

/// <summary>
/// One measured request, as the hot path records it: small, immutable and free of references so that
/// recording it copies a few words into a per-thread buffer and allocates nothing.
/// </summary>
/// <remarks>
/// Every timestamp is a <see cref="TimeProvider.GetTimestamp"/> value of the run's clock (ticks of
/// <see cref="TimeProvider.TimestampFrequency"/>). In a closed-model run the intended start equals the
/// actual start; open-model runs set it to the scheduled time so latency can be measured from it.
/// </remarks>
internal readonly struct RequestSample
{
    public RequestSample(int rowId, int errorId, int statusCode, long intendedStart, long start, long firstByte, long end, long bytesSent, long bytesReceived, bool scheduled = false)
    {
        Scheduled = scheduled;
        RowId = rowId;
        ErrorId = errorId;
        StatusCode = statusCode;
        IntendedStart = intendedStart;
        Start = start;
        FirstByte = firstByte;
        End = end;
        BytesSent = bytesSent;
        BytesReceived = bytesReceived;
    }

    /// <summary>Row id from <see cref="MetricsRecorder.GetRowId"/>: one per (method, name).</summary>
    public int RowId { get; }

    /// <summary>0 for a success, otherwise the id of the failure reason from <see cref="MetricsRecorder.GetErrorId"/>.</summary>
    public int ErrorId { get; }

    /// <summary>HTTP status code, or 0 when no response arrived.</summary>
    public int StatusCode { get; }

    /// <summary>When the request was due: the scheduled arrival (open model), the paced start (closed model with pacing), else <see cref="Start"/>.</summary>
    public long IntendedStart { get; }

    /// <summary>When the request was actually sent.</summary>

    public long Start { get; }

    /// <summary>When the response headers arrived (time to first byte); equals <see cref="End"/> when none did.</summary>
    public long FirstByte { get; }

    public long End { get; }

    /// <summary>Request body bytes.</summary>
    public long BytesSent { get; }

    /// <summary>Response body bytes.</summary>
    public long BytesReceived { get; }

    /// <summary>
    /// Whether <see cref="IntendedStart"/> came from the open-model scheduler, so that
    /// <see cref="Start"/> − <see cref="IntendedStart"/> is the scheduling lag.
    /// </summary>
    public bool Scheduled { get; }

    public bool IsFailure => ErrorId != 0;
}
