namespace Stampede.Analysis;

/// <summary>A stretch of consecutive seconds of a run and how its requests fared against an objective.</summary>
/// <param name="StartSecond">The first second (0 = the first second of the run).</param>
/// <param name="Seconds">Length, seconds.</param>
/// <param name="Requests">Requests completed in the window.</param>
/// <param name="BadRequests">Of which bad (too slow, or failed).</param>
internal sealed record SloWindow(long StartSecond, int Seconds, long Requests, long BadRequests)
{
    /// <summary>The share of good requests, 0 to 1.</summary>
    public double Compliance => Requests == 0 ? 1 : 1 - ((double)BadRequests / Requests);
}
