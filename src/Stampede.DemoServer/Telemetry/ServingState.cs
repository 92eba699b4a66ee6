namespace Stampede.Demo.Telemetry;

/// <summary>A reading of the server's live state, taken at each scrape.</summary>
internal readonly record struct ServingState(
    int QueueLength,
    int QueueCapacity,
    int BusyWorkers,
    int CurrentWorkers,
    int ReadyWorkers,
    bool ModelReady,
    TimeSpan? ColdStart);
