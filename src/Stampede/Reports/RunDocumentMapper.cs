using System.Text.Json;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Reports;

/// <summary>Builds the <see cref="RunDocument"/> of a finished run.</summary>
internal static class RunDocumentMapper
{
    /// <summary>The document of <paramref name="report"/>.</summary>
    public static RunDocument ToDocument(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        RunResult result = report.Result;
        StatsSnapshot stats = result.Stats;
        return new RunDocument
        {
            SchemaVersion = RunDocument.CurrentSchemaVersion,
            Tool = new RunDocumentTool { Name = "Stampede", Version = report.ToolVersion },
            Run = new RunDocumentRun
            {
                StartedAt = stats.StartedAt,
                EndedAt = result.EndedAt,
                DurationSeconds = stats.Elapsed.TotalSeconds,
                StopReason = JsonNamingPolicy.CamelCase.ConvertName(result.StopReason.ToString()),
                Seed = result.Seed,
                ExitCode = report.ExitCode,
                Settings = ToSettings(report.Settings),
                UserClasses = [.. result.UserClasses.Select(ToUserClass)],
            },
            Rows = [.. stats.Rows.Select(ToRow)],
            Aggregated = ToRow(stats.Total),
            History = [.. stats.History.Select(ToInterval)],
            Failures = [.. stats.Failures.Select(f => new RunDocumentFailure { Method = f.Method, Name = f.Name, Error = f.Error, Occurrences = f.Occurrences })],
            Errors = [.. stats.Errors.Select(e => new RunDocumentError { Source = e.Source, Type = e.Type, Message = e.Message, StackTrace = e.StackTrace, Count = e.Count })],
            Generator = ToGenerator(stats.Generator) with { HistorySecondsOnDisk = stats.HistorySecondsOnDisk, HistoryBytesOnDisk = stats.HistoryBytesOnDisk },
            Warnings = stats.Warnings.Count == 0 ? null : [.. stats.Warnings.Select(w => new RunDocumentRunWarning { AtSeconds = Math.Round(w.At.TotalSeconds, 3), Kind = w.Kind, Message = w.Message })],
            Validity = new RunDocumentValidity { Verdict = result.Validity.Verdict, Reasons = [.. result.Validity.Reasons], Notes = result.Validity.Notes.Count == 0 ? null : [.. result.Validity.Notes] },
            Arrivals = stats.Arrivals is { } a ? new RunDocumentArrivals
            {
                TargetRate = a.TargetRate,
                MeanTargetRate = a.MeanTargetRate,
                ExpectedIterations = a.ExpectedIterations,
                DueIterations = a.DueIterations,
                StartedIterations = a.StartedIterations,
                DroppedIterations = a.DroppedIterations,
                AchievedRate = a.AchievedRate,
                MaxUsers = a.MaxUsers,
            }
            : null,
            Thresholds = RunDocumentChecksMapper.Thresholds(report.Gates),
            Slos = RunDocumentChecksMapper.Slos(report.Gates),
            Baseline = RunDocumentChecksMapper.Baseline(report.Gates),
            Target = ToTarget(stats.Target),
            Cluster = RunDocumentCluster.From(stats.Cluster),
            Analysis = result.Bottleneck is null && result.Drift is null && result.Capacity is null && result.Autoscaling is null && result.ColdStart is null && result.BreakingPoint is null && report.Gates.SoakNoData is null ? null : new RunDocumentAnalysis
            {
                Bottleneck = result.Bottleneck is { } b ? ToBottleneck(b) : null,
                Drift = RunDocumentDriftMapper.ToDrift(result.Drift),
                SoakNoData = report.Gates.SoakNoData,
                Autoscaling = result.Autoscaling is { } scaling ? RunDocumentAutoscaling.From(scaling) : null,
                Capacity = result.Capacity is { } c ? ToCapacity(c) : null,
                BreakingPoint = result.BreakingPoint is { } bp ? ToBreakingPoint(bp) : null,
                ColdStart = result.ColdStart is { } cold ? RunDocumentColdStart.From(cold) : null,
            },
        };
    }

    private static RunDocumentTarget? ToTarget(TargetSnapshot target) => !target.IsWatching ? null : new RunDocumentTarget
    {
        IntervalSeconds = target.IntervalSeconds,
        Sources = [.. target.Sources.Select(s => new RunDocumentTargetSource
        {
            Name = s.Name,
            Url = s.Address,
            Kind = s.Kind,
            Scrapes = s.Scrapes,
            Failures = s.Failures,
            Timeouts = s.Timeouts,
            LastError = s.LastError,
            SamplesSeen = s.SamplesSeen,
            MeanScrapeMs = Math.Round(s.MeanScrapeMs, 3),
        })],
        Series = [.. target.Series.Select(s => new RunDocumentTargetSeries
        {
            Source = s.Source,
            Name = s.Name,
            Labels = s.Labels,
            Resource = s.Resource is { } r ? TargetResources.Name(r) : null,
            Unit = s.Unit,
            Kind = s.Kind,
            Description = s.Description,
            Capacity = s.Capacity,
            CapacitySource = s.CapacitySource,
            Values = s.Values,
            Capacities = s.Capacities,
        })],
        Warnings = [.. target.Warnings.Select(w => new RunDocumentTargetWarning { AtSeconds = Math.Round(w.At.TotalSeconds, 3), Source = w.Source, Message = w.Message })],
    };

    private static RunDocumentBreakingPoint ToBreakingPoint(Experiments.BreakingPointAnalysis b) => new()
    {
        Rate = b.Rate,
        BrokeAtRate = b.BrokeAtRate,
        AtSecond = b.AtSecond,
        FailureMode = b.FailureMode,
        FailureCounts = b.FailureCounts,
        Recovered = b.Recovered,
        RecoverySeconds = b.RecoverySeconds,
        RecoveryRate = b.RecoveryRate,
        BreakWhen = [.. b.BreakWhen],
        Summary = b.Summary,
        Steps = [.. b.Steps.Select(ToStep)],
    };

    private static RunDocumentCapacityStep ToStep(Experiments.CapacityStep s) => new()
    {
        Number = s.Number,
        Phase = s.Phase,
        Rate = s.Rate,
        StartSecond = s.StartSecond,
        JudgedFromSecond = s.JudgedFromSecond,
        EndSecond = s.EndSecond,
        AchievedRate = s.AchievedRate,
        Throughput = s.Throughput,
        P50Ms = s.P50Ms,
        P95Ms = s.P95Ms,
        P99Ms = s.P99Ms,
        ErrorRate = s.ErrorRate,
        Requests = s.Requests,
        Pass = s.Pass,
        Reason = s.Reason,
        GeneratorBound = s.GeneratorBound,
    };

    private static RunDocumentCapacity ToCapacity(Experiments.CapacityAnalysis c) => new()
    {
        MaxRate = c.MaxRate,
        AtLeast = c.AtLeast,
        Valid = c.Valid,
        Summary = c.Summary,
        Slo = [.. c.Slo],
        LimitedBy = c.LimitedBy,
        Steps = [.. c.Steps.Select(ToStep)],
    };

    /// <summary>The document form of a bottleneck verdict.</summary>
    internal static RunDocumentBottleneck ToBottleneck(BottleneckAnalysis b) => new()
    {
        Resource = b.Resource,
        Summary = b.Summary,
        KneeKind = b.KneeKind,
        AtSecond = b.AtSecond,
        OfferedAtKnee = b.OfferedAtKnee,
        OfferedUnit = b.OfferedUnit,
        ThroughputAtKnee = b.ThroughputAtKnee,
        P50AtKneeMs = b.P50AtKneeMs,
        Evidence = [.. b.Evidence.Select(e => new RunDocumentEvidence
        {
            Resource = e.Resource,
            Series = e.Series,
            Source = e.Source,
            Value = e.Value,
            Capacity = e.Capacity,
            Unit = e.Unit,
            Utilization = e.Utilization,
            State = e.State,
            Detail = e.Detail,
        })],
        Watched = [.. b.Watched],
        NotWatched = [.. b.NotWatched],
        Advice = [.. b.Advice],
    };

    /// <summary>The key of a percentile in <c>percentilesMs</c>: its Locust label without <c>%</c> (<c>50</c>, <c>99.9</c>).</summary>
    public static string PercentileKey(double percentile) => Percentiles.Label(percentile).TrimEnd('%');

    private static RunDocumentSettings ToSettings(RunSettingsSummary settings) => new()
    {
        Host = settings.Host,
        Users = settings.Users,
        SpawnRate = settings.SpawnRate,
        RunTimeSeconds = settings.RunTimeSeconds,
        StopTimeoutSeconds = settings.StopTimeoutSeconds,
        RequestTimeoutSeconds = settings.RequestTimeoutSeconds,
        Shape = settings.Shape,
        Tags = [.. settings.Tags],
        ExcludeTags = [.. settings.ExcludeTags],
        HttpVersion = settings.HttpVersion,
        SharedConnections = settings.SharedConnections,
        Insecure = settings.Insecure,
        HistoryInMemorySeconds = settings.HistoryInMemorySeconds,
        Arguments = [.. settings.Arguments],
        Rate = settings.Rate,
        RateStages = settings.RateStages.Count == 0 ? null : [.. settings.RateStages.Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Duration.TotalSeconds}:{s.Rate}"))],
        Arrivals = settings.IsOpenModel ? JsonNamingPolicy.CamelCase.ConvertName(settings.Arrivals.ToString()) : null,
        Burstiness = settings.IsOpenModel ? settings.Burstiness : null,
        MaxUsers = settings.MaxUsers,
        PreAllocatedUsers = settings.PreAllocatedUsers,
        Backlog = settings.IsOpenModel ? settings.Backlog : null,
        MinDurationSeconds = settings.MinDuration?.TotalSeconds,
    };

    private static RunDocumentUserClass ToUserClass(UserClassSummary userClass) => new()
    {
        Name = userClass.Name,
        Weight = userClass.Weight,
        FixedCount = userClass.FixedCount,
        Tasks = [.. userClass.Tasks.Select(t => new RunDocumentTask { Name = t.Name, Weight = t.Weight, Tags = [.. t.Tags] })],
    };

    private static RunDocumentRow ToRow(RowStats row) => new()
    {
        Method = row.Key.Method,
        Name = row.Key.Name,
        Requests = row.Requests,
        Failures = row.Failures,
        FailureRatio = row.FailureRatio,
        MinMs = row.MinMs,
        MaxMs = row.MaxMs,
        AverageMs = row.AverageMs,
        MedianMs = row.MedianMs,
        PercentilesMs = ToPercentiles(row.Percentiles),
        TimeToFirstByte = new RunDocumentTimeToFirstByte
        {
            AverageMs = row.AverageTimeToFirstByteMs,
            PercentilesMs = ToPercentiles(row.TimeToFirstBytePercentiles),
        },
        BytesSent = row.BytesSent,
        BytesReceived = row.BytesReceived,
        AverageContentSize = row.AverageContentSize,
        RequestsPerSecond = row.RequestsPerSecond,
        FailuresPerSecond = row.FailuresPerSecond,
        CurrentRequestsPerSecond = row.CurrentRequestsPerSecond,
        CurrentFailuresPerSecond = row.CurrentFailuresPerSecond,
        Histogram = ToBase64(row.Histogram),
        ServiceTime = row.ServiceTimePercentiles.Count == 0 ? null : new RunDocumentTimeToFirstByte
        {
            AverageMs = row.AverageServiceTimeMs,
            PercentilesMs = ToPercentiles(row.ServiceTimePercentiles),
        },
        SchedulingLag = row.ScheduledRequests == 0 ? null : new RunDocumentLag
        {
            ScheduledRequests = row.ScheduledRequests,
            PercentilesMs = ToPercentiles(row.SchedulingLagPercentiles),
        },
        InsufficientPercentiles = [.. row.Percentiles.Where(p => !Sampling.HasEnough(row.Requests, p.Percentile)).Select(p => PercentileKey(p.Percentile))],
        Llm = ToLlm(row.Llm),
    };

    private static RunDocumentLlm? ToLlm(LlmStats? llm) => llm is null ? null : new RunDocumentLlm
    {
        Requests = llm.Requests,
        TtftMs = ToDistribution(llm.TtftMs),
        ItlMs = ToDistribution(llm.ItlMs),
        TpotMs = ToDistribution(llm.TpotMs),
        E2eMs = ToDistribution(llm.E2eMs),
        OutputTokens = new RunDocumentTokens { Total = llm.OutputTokensTotal, PerRequest = ToDistribution(llm.OutputTokens) },
        InputTokens = new RunDocumentInputTokens { Total = llm.InputTokensTotal, Mean = llm.InputTokensMean },
        OutputTokensPerSecond = Math.Round(llm.OutputTokensPerSecond, 3),
        RequestsPerSecond = Math.Round(llm.RequestsPerSecond, 3),
        TokenSource = llm.TokenSource,
        Goodput = llm.Goodput is not { } goodput ? null : new RunDocumentGoodput
        {
            Bounds = goodput.Bounds,
            Requests = goodput.GoodRequests,
            Share = goodput.Share,
            PerSecond = Math.Round(goodput.PerSecond, 3),
        },
    };

    private static RunDocumentDistribution ToDistribution(LlmDistribution distribution) => new()
    {
        Count = distribution.Count,
        Mean = distribution.Mean,
        Min = distribution.Min,
        Max = distribution.Max,
        Percentiles = ToPercentiles(distribution.Percentiles),
    };

    private static RunDocumentInterval ToInterval(IntervalStats interval) => new()
    {
        Second = interval.Second,
        Start = interval.Start,
        DurationSeconds = interval.DurationSeconds,
        Users = interval.Users,
        Aggregated = ToIntervalRow(interval.Total, withKey: false),
        Rows = [.. interval.Rows.Select(r => ToIntervalRow(r, withKey: true))],
        DueIterations = interval.DueIterations,
        DroppedIterations = interval.DroppedIterations,
        SchedulingLagP99Ms = interval.SchedulingLagP99Ms,
        GeneratorBound = interval.GeneratorBound,
    };

    private static RunDocumentIntervalRow ToIntervalRow(RowStats row, bool withKey) => new()
    {
        Method = withKey ? row.Key.Method : null,
        Name = withKey ? row.Key.Name : null,
        Requests = row.Requests,
        Failures = row.Failures,
        RequestsPerSecond = row.RequestsPerSecond,
        FailuresPerSecond = row.FailuresPerSecond,
        MinMs = row.MinMs,
        MaxMs = row.MaxMs,
        AverageMs = row.AverageMs,
        PercentilesMs = ToPercentiles(row.Percentiles),
        Histogram = ToBase64(row.Histogram),
        Llm = ToLlm(row.Llm),
    };

    private static RunDocumentGenerator ToGenerator(GeneratorHealth generator) => new()
    {
        ProcessorCount = generator.ProcessorCount,
        GcMode = generator.GcMode,
        CpuWarningThresholdPercent = generator.CpuWarningThresholdPercent,
        PeakCpuPercent = generator.PeakCpuPercent,
        AverageCpuPercent = generator.AverageCpuPercent,
        TotalGcPauseMs = generator.TotalGcPauseMs,
        Samples = [.. generator.Samples.Select(c => new RunDocumentGeneratorSample
        {
            Second = c.Second,
            CpuPercent = c.CpuPercent,
            GcPauseMs = c.GcPauseMs,
            Gen0Collections = c.Gen0Collections,
            Gen1Collections = c.Gen1Collections,
            Gen2Collections = c.Gen2Collections,
            ThreadPoolQueueLength = c.ThreadPoolQueueLength,
            ThreadPoolThreads = c.ThreadPoolThreads,
            HeapBytes = c.HeapBytes,
        })],
        Warnings = [.. generator.Warnings.Select(w => new RunDocumentWarning { AtSeconds = w.At.TotalSeconds, Message = w.Message })],
        BoundSinceSecond = generator.BoundSinceSecond,
        BoundSeconds = generator.BoundSeconds,
        BoundReasons = [.. generator.BoundReasons],
    };

    private static OrderedDictionary<string, double> ToPercentiles(IReadOnlyList<PercentileValue> percentiles)
    {
        // Ordered so the file lists 50 … 100 as every other output does.
        var result = new OrderedDictionary<string, double>(percentiles.Count, StringComparer.Ordinal);
        foreach (PercentileValue value in percentiles)
        {
            result[PercentileKey(value.Percentile)] = value.ValueMs;
        }

        return result;
    }

    private static string? ToBase64(byte[]? histogram) =>
        histogram is null ? null : Convert.ToBase64String(histogram);
}
