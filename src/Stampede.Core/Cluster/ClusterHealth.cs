using Stampede.Monitoring;

namespace Stampede.Cluster;

/// <summary>
/// The generator health of a distributed run, judged by its coordinator from what its agents report: a second is
/// generator-bound when any agent was bound in it (its CPU, its GC pauses or its schedule), so a run whose one slow
/// agent carried its pauses into its requests is judged as a single bound generator would be.
/// </summary>
/// <remarks>
/// The combined <see cref="GeneratorHealth"/> is the worst agent in each respect: each second's sample takes the highest
/// CPU, GC pause, queue and heap any agent had in it, the totals the highest any agent had; every agent's own figures
/// are in <see cref="ClusterStats.Agents"/>. The coordinator's own process sends no load and is not judged.
/// Called on the aggregator's thread only.
/// </remarks>
internal sealed class ClusterHealth(double cpuWarningThresholdPercent) : IGeneratorWatch
{
    private readonly SortedDictionary<long, GeneratorSample> _samples = [];
    private readonly Dictionary<long, List<string>> _boundAgents = [];
    private readonly Dictionary<string, AgentHealth> _agents = new(StringComparer.Ordinal);
    private readonly List<GeneratorWarning> _warnings = [];
    private readonly List<string> _reasons = [];
    private long? _boundSince;
    private int _boundSeconds;

    public event Action<GeneratorWarning>? WarningRaised;

    public GeneratorHealth Current
    {
        get
        {
            var modes = _agents.Values.Select(a => a.GcMode).Distinct().ToList();
            return new GeneratorHealth
            {
                Samples = [.. _samples.Values],
                PeakCpuPercent = _agents.Count == 0 ? 0 : _agents.Values.Max(a => a.PeakCpuPercent),
                AverageCpuPercent = _agents.Count == 0 ? 0 : Math.Round(_agents.Values.Max(a => a.AverageCpuPercent), 1),
                TotalGcPauseMs = _agents.Count == 0 ? 0 : _agents.Values.Max(a => a.TotalGcPauseMs),
                ProcessorCount = _agents.Count == 0 ? Environment.ProcessorCount : _agents.Values.Max(a => a.ProcessorCount),
                GcMode = modes.Count == 1 ? modes[0] : modes.Count == 0 ? GeneratorMonitor.CurrentGcMode : "mixed",
                CpuWarningThresholdPercent = cpuWarningThresholdPercent,
                Warnings = [.. _warnings],
                BoundSinceSecond = _boundSince,
                BoundSeconds = _boundSeconds,
                BoundReasons = [.. _reasons],
            };
        }
    }

    /// <summary>Adds what agent <paramref name="agent"/> reported of its own health: its new samples and warnings, and its totals so far.</summary>
    public void Report(string agent, GeneratorHealth health, IReadOnlyList<GeneratorSample> newSamples, IReadOnlyList<GeneratorWarning> newWarnings)
    {
        ArgumentNullException.ThrowIfNull(health);
        _agents[agent] = new AgentHealth(health.PeakCpuPercent, health.AverageCpuPercent, health.TotalGcPauseMs, health.ProcessorCount, health.GcMode, health.BoundReasons);
        foreach (GeneratorSample sample in newSamples)
        {
            _samples[sample.Second] = _samples.TryGetValue(sample.Second, out GeneratorSample seen)
                ? new GeneratorSample(
                    sample.Second,
                    Math.Max(seen.CpuPercent, sample.CpuPercent),
                    Math.Max(seen.GcPauseMs, sample.GcPauseMs),
                    Math.Max(seen.Gen0Collections, sample.Gen0Collections),
                    Math.Max(seen.Gen1Collections, sample.Gen1Collections),
                    Math.Max(seen.Gen2Collections, sample.Gen2Collections),
                    Math.Max(seen.ThreadPoolQueueLength, sample.ThreadPoolQueueLength),
                    Math.Max(seen.ThreadPoolThreads, sample.ThreadPoolThreads),
                    Math.Max(seen.HeapBytes, sample.HeapBytes))
                : sample;
        }

        foreach (GeneratorWarning warning in newWarnings)
        {
            var named = warning with { Message = $"{agent}: {warning.Message}" };
            _warnings.Add(named);
            WarningRaised?.Invoke(named);
        }
    }

    /// <summary>Notes that agent <paramref name="agent"/> was bound in <paramref name="second"/> (it judged the second itself).</summary>
    public void NoteBound(string agent, long second)
    {
        if (!_boundAgents.TryGetValue(second, out List<string>? agents))
        {
            agents = [];
            _boundAgents.Add(second, agents);
        }

        agents.Add(agent);
    }

    /// <summary>Nothing to sample here: the agents sample themselves, and the coordinator's own process sends no load.</summary>
    public void Sample(TimeSpan elapsed, long second)
    {
    }

    /// <summary>Whether any agent was bound in <paramref name="second"/>; the lag is each agent's own, judged by it.</summary>
    public bool JudgeSecond(long second, double? lagMs, string lagPercentile = "p99")
    {
        if (!_boundAgents.Remove(second, out List<string>? agents) || agents.Count == 0)
        {
            return false;
        }

        _boundSince ??= second;
        _boundSeconds++;
        foreach (string agent in agents)
        {
            IReadOnlyList<string> reasons = _agents.TryGetValue(agent, out AgentHealth? health) && health.BoundReasons.Count > 0 ? health.BoundReasons : ["bound"];
            string reason = $"{agent}: {string.Join(", ", reasons)}";

            // One line per agent, its latest words (an agent's GC reason names its worst second so far).
            int index = _reasons.FindIndex(r => r.StartsWith(agent + ": ", StringComparison.Ordinal));
            if (index >= 0)
            {
                _reasons[index] = reason;
            }
            else
            {
                _reasons.Add(reason);
            }
        }

        return true;
    }

    private sealed record AgentHealth(double PeakCpuPercent, double AverageCpuPercent, double TotalGcPauseMs, int ProcessorCount, string GcMode, IReadOnlyList<string> BoundReasons);
}
