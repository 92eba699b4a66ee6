using System.Globalization;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Analysis;

/// <summary>
/// Finds the knee of a run and names what limited the system under test there (docs/bottleneck.md).
/// </summary>
/// <remarks>
/// <para>
/// The knee is the first second after which offered load (users, or the arrival rate) still rises by at least
/// <see cref="LoadRise"/> while successful throughput follows less than <see cref="FollowShare"/> of that rise
/// (a throughput plateau, and one that counting noise cannot explain: <see cref="NoiseSigmas"/>); in the open model also the first second from which completions stay below
/// <see cref="ShortShare"/> of arrivals. Without either, the first lasting latency bend (p50 at
/// <see cref="LatencyBend"/>× its light-load value) or the first lasting SLO failure. All on 5-second
/// centred moving averages (medians for latency), so one noisy second decides nothing.
/// </para>
/// <para>
/// At the knee every watched series is judged over the next seconds: saturated at 90% of its capacity or more,
/// high from 60%, idle below; a queue without a capacity is saturated when it grows. The verdict is
/// <c>generator</c> when the generator was bound at or before the knee; else the saturated hardware resource
/// with the highest utilisation; else the server's queue, then its concurrency; else <c>errors</c> when
/// failures rose there; else <c>unknown</c>, naming what was not watched. A target whose CPU idles while its
/// queue grows is therefore a queue bottleneck, never a CPU one.
/// </para>
/// </remarks>
internal static class BottleneckAnalyzer
{
    /// <summary>How much offered load must still rise after a knee: 10%.</summary>
    public const double LoadRise = 1.10;

    /// <summary>The share of the load's relative rise that throughput may follow and still be a plateau.</summary>
    public const double FollowShare = 0.25;

    /// <summary>
    /// How far below a proportional rise throughput must stay, in standard deviations of counting noise, to be a
    /// plateau: 3. Successes a second are counts; the mean of <see cref="SmoothingSeconds"/> of them at λ a second
    /// wanders by √(λ/5), so at a few requests a second a small rise of the load is not told from noise.
    /// </summary>
    public const double NoiseSigmas = 3;

    /// <summary>Seconds in each centred moving average: 5.</summary>
    public const int SmoothingSeconds = 5;

    /// <summary>Open model: completions below this share of arrivals, lasting, are a shortfall.</summary>
    public const double ShortShare = 0.90;

    /// <summary>p50 at this multiple of its light-load value is a latency bend.</summary>
    public const double LatencyBend = 2.5;

    /// <summary>Utilisation at or above which a resource is saturated.</summary>
    public const double SaturatedAt = 0.90;

    /// <summary>Utilisation at or above which a resource is high.</summary>
    public const double HighAt = 0.60;

    /// <summary>Seconds after the knee over which resources are judged.</summary>
    public const int Window = 10;

    private const int Lasting = 3;

    private static readonly TargetResource[] PhysicalOrder =
        [TargetResource.Gpu, TargetResource.GpuMemory, TargetResource.Cpu, TargetResource.Memory, TargetResource.Network, TargetResource.Disk];

    /// <summary>The bottleneck of a finished run.</summary>
    public static BottleneckAnalysis Analyze(StatsSnapshot stats, LoadTestOptions options) => Analyze(BottleneckInput.From(stats, options));

    /// <summary>The bottleneck of a run's per-second series.</summary>
    public static BottleneckAnalysis Analyze(BottleneckInput run)
    {
        ArgumentNullException.ThrowIfNull(run);
        int n = run.Offered.Length;
        double[] load = MovingMean(run.Offered);
        double[] ok = MovingMean(run.Succeeded);
        double[] p50 = MovingMedian(run.P50Ms);
        string loadUnit = run.OpenModel ? "iterations/s" : "users";

        (int? knee, string? kind) = FindKnee(run, load, ok, p50);
        IReadOnlyList<string> watched = [.. TargetResources.All.Where(r => run.Target.Series.Any(s => s.Resource == r)).Select(TargetResources.Name)];
        IReadOnlyList<string> notWatched = [.. TargetResources.All.Where(r => r != TargetResource.Replicas && run.Target.Series.All(s => s.Resource != r)).Select(TargetResources.Name)];
        int? boundAt = FirstIndex(run.GeneratorBound);

        int from;
        int to;
        if (knee is { } k)
        {
            from = k;
            to = Math.Min(n, k + Window);
        }
        else
        {
            // No knee: judge the steady part (the load at 95% of its peak or more, after a short warm-up).
            double peak = n == 0 ? 0 : load.Max();
            from = Enumerable.Range(0, n).FirstOrDefault(i => load[i] >= 0.95 * peak && i >= Math.Min(2, n - 1));
            to = n;
        }

        List<BottleneckEvidence> evidence = Judge(run.Target, from, to);
        int? boundNear = GeneratorBoundNear(run.GeneratorBound, knee, from, to);
        BottleneckEvidence? generator = boundNear is { } b ? GeneratorEvidence(run, b) : null;

        if (knee is null && generator is null)
        {
            // Only a load that was steady from early on is judged at its steady level: a load that ramped and
            // found no knee had throughput follow it, whatever a sampled gauge says.
            bool steadyLoad = n > 0 && from <= Math.Max(3, n / 4);
            BottleneckEvidence? steady = steadyLoad ? evidence.Where(e => e.State == "saturated" && IsLimit(e.Resource)).OrderBy(Rank).FirstOrDefault() : null;
            if (steady is null || n == 0)
            {
                return Verdict("none", NoKneeSummary(run, load, ok, loadUnit, evidence, notWatched), null, null, run, ok, load, p50, loadUnit, evidence, watched, notWatched);
            }

            knee = from;
            kind = "steady-saturation";
        }

        int at = knee ?? boundAt ?? 0;
        string resource;
        BottleneckEvidence? named;
        if (generator is not null)
        {
            resource = "generator";
            named = generator;
        }
        else
        {
            named = evidence.Where(e => e.State == "saturated" && IsLimit(e.Resource)).OrderBy(Rank).ThenByDescending(e => e.Utilization ?? 0).FirstOrDefault();
            resource = named?.Resource ?? (ErrorsRose(run, at, to) ? "errors" : "unknown");
            if (resource == "errors")
            {
                named = ErrorEvidence(run, at, to);
            }
        }

        var ordered = new List<BottleneckEvidence>();
        if (named is not null)
        {
            ordered.Add(named);
        }

        ordered.AddRange(evidence.Where(e => !ReferenceEquals(e, named)).OrderBy(e => StateRank(e.State)).ThenBy(Rank));
        string summary = KneeSummary(resource, kind!, at, run, load, ok, loadUnit, ordered, notWatched, boundAt);
        return Verdict(resource, summary, kind, at, run, ok, load, p50, loadUnit, ordered, watched, notWatched);
    }

    private static BottleneckAnalysis Verdict(
        string resource, string summary, string? kind, int? at, BottleneckInput run, double[] ok, double[] load, double[] p50, string loadUnit,
        List<BottleneckEvidence> evidence, IReadOnlyList<string> watched, IReadOnlyList<string> notWatched)
    {
        double? plateau = at is { } k ? Plateau(ok, load, k) : null;
        return new BottleneckAnalysis
        {
            Resource = resource,
            Summary = summary,
            KneeKind = kind,
            AtSecond = at,
            OfferedAtKnee = at is { } a && a < load.Length ? Math.Round(load[a], 2) : null,
            OfferedUnit = at is null ? null : loadUnit,
            ThroughputAtKnee = plateau is { } p ? Math.Round(p, 2) : null,
            P50AtKneeMs = at is { } b && b < p50.Length && double.IsFinite(p50[b]) ? Math.Round(p50[b], 3) : null,
            Evidence = evidence,
            Watched = watched,
            NotWatched = notWatched,
            Advice = Advice(resource, run, notWatched),
        };
    }

    /// <summary>Finds the knee: a throughput plateau or shortfall first; else a lasting latency bend or SLO failure, whichever comes first.</summary>
    internal static (int? Second, string? Kind) FindKnee(BottleneckInput run, double[] load, double[] ok, double[] p50)
    {
        int n = load.Length;
        if (n < 4)
        {
            return (null, null);
        }

        double peakOk = ok.Max();
        for (int s = 1; s < n - 2; s++)
        {
            double l = load[s];
            double x = ok[s];
            if (l <= 0 || x <= 0 || x < 0.5 * peakOk)
            {
                continue;
            }

            double futureLoad = Max(load, s + 1, n);
            if (futureLoad < LoadRise * l)
            {
                continue;
            }

            double futureOk = Quantile(ok, s + 1, n, 0.8);
            double allowed = x * (1 + (FollowShare * ((futureLoad / l) - 1)));
            double proportional = x * futureLoad / l;
            if (futureOk <= allowed && proportional - futureOk >= NoiseSigmas * Math.Sqrt(proportional / SmoothingSeconds))
            {
                // The plateau is found a little early on a steady ramp (throughput may still rise by its allowance):
                // the knee is where throughput reaches 95% of the plateau's level.
                double level = Plateau(ok, load, s) ?? x;
                int knee = s;
                while (knee < n - 1 && ok[knee] < 0.95 * level)
                {
                    knee++;
                }

                return (knee, "throughput-plateau");
            }
        }

        if (run.OpenModel)
        {
            for (int s = 2; s + Lasting <= n; s++)
            {
                bool shortfall = true;
                for (int i = s; i < s + Lasting; i++)
                {
                    shortfall &= load[i] > 0 && ok[i] < ShortShare * load[i];
                }

                if (shortfall)
                {
                    return (s, "throughput-short");
                }
            }
        }

        int? bend = null;
        double light = LightLoadP50(run, load, p50);
        if (double.IsFinite(light) && light > 0)
        {
            for (int s = 1; s + Lasting <= n; s++)
            {
                bool bent = true;
                for (int i = s; i < s + Lasting; i++)
                {
                    bent &= double.IsFinite(p50[i]) && p50[i] >= LatencyBend * light;
                }

                if (bent && (run.OpenModel || Max(load, s, n) >= LoadRise * load[Math.Max(0, s - 1)] || load[s] > load[0]))
                {
                    bend = s;
                    break;
                }
            }
        }

        int? slo = null;
        for (int s = 0; s + Lasting <= n; s++)
        {
            if (run.SloFailed.Skip(s).Take(Lasting).All(f => f))
            {
                slo = s;
                break;
            }
        }

        return (bend, slo) switch
        {
            ({ } b, { } f) => b <= f ? (b, "latency-bend") : (f, "slo-failed"),
            ({ } b, null) => (b, "latency-bend"),
            (null, { } f) => (f, "slo-failed"),
            _ => (null, null),
        };
    }

    /// <summary>The saturated resource that limits the target over seconds [from, to) (hardware first, then queue, concurrency); <see langword="null"/> when none is, or nothing is watched.</summary>
    public static string? LimitAt(TargetSnapshot target, int from, int to) =>
        Judge(target, from, to).Where(e => e.State == "saturated" && IsLimit(e.Resource)).OrderBy(Rank).ThenByDescending(e => e.Utilization ?? 0).FirstOrDefault()?.Resource;

    /// <summary>Judges every watched series with a resource over seconds [from, to).</summary>
    internal static List<BottleneckEvidence> Judge(TargetSnapshot target, int from, int to)
    {
        var evidence = new List<BottleneckEvidence>();
        foreach (TargetSeries series in target.Series)
        {
            if (series.Resource is not { } resource || resource == TargetResource.Replicas)
            {
                continue;
            }

            List<double> window = Values(series, from, to);
            if (window.Count == 0)
            {
                continue;
            }

            double value = Median(window);
            double? capacity = series.CapacityAt(Math.Min(from + (window.Count / 2), Math.Max(from, to - 1)));
            double? utilisation = capacity is > 0 ? value / capacity.Value : null;
            string state;
            string detail;
            if (resource == TargetResource.Queue)
            {
                (state, detail) = JudgeQueue(series, from, window, value, capacity, utilisation);
            }
            else if (resource == TargetResource.Concurrency && capacity is null)
            {
                double observedMax = series.Values.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();
                double share = observedMax > 0 ? value / observedMax : 0;
                state = share >= 0.95 && value > 0 ? "saturated" : share >= HighAt ? "high" : "idle";
                detail = Fmt($"{Number(value)} {series.Unit} ({Percent(share)} of its observed maximum {Number(observedMax)})");
            }
            else if (utilisation is { } u)
            {
                state = u >= SaturatedAt ? "saturated" : u >= HighAt ? "high" : "idle";
                detail = Fmt($"{Amount(value, series.Unit)} of {Amount(capacity!.Value, series.Unit)} ({Percent(u)})");
            }
            else
            {
                state = "unknown";
                detail = Fmt($"{Amount(value, series.Unit)} (capacity unknown)");
            }

            evidence.Add(new BottleneckEvidence
            {
                Resource = TargetResources.Name(resource),
                Series = series.DisplayName,
                Source = series.Source,
                Value = Math.Round(value, 4),
                Capacity = capacity,
                Unit = series.Unit,
                Utilization = utilisation is { } x ? Math.Round(x, 4) : null,
                State = state,
                Detail = $"{series.Description}: {detail}",
                Measure = detail,
            });
        }

        return Contention(evidence);
    }

    /// <summary>
    /// A host's CPU saturated while the watched server process used less than half of it is contention (other
    /// processes, the generator among them when they share the machine), not the server's limit: it stays in
    /// the evidence as <c>high</c> with the server's share.
    /// </summary>
    private static List<BottleneckEvidence> Contention(List<BottleneckEvidence> evidence)
    {
        double? server = evidence.Where(e => e.Resource == "cpu" && e.Series.StartsWith("process_cpu_seconds_total", StringComparison.Ordinal) && e.Value is not null)
            .Select(e => e.Value!.Value).DefaultIfEmpty(double.NaN).Max();
        if (server is not { } cores || double.IsNaN(cores))
        {
            return evidence;
        }

        for (int i = 0; i < evidence.Count; i++)
        {
            BottleneckEvidence e = evidence[i];
            if (e.Resource == "cpu" && e.State == "saturated" && e.Series.StartsWith("node_cpu_busy_cores", StringComparison.Ordinal) && e.Value is { } busy && cores < 0.5 * busy)
            {
                string share = Fmt($" — the server process used only {Number(cores)} cores of it: other processes (the generator, if it shares the machine) took the rest");
                evidence[i] = e with { State = "high", Detail = e.Detail + share, Measure = e.Measure + share };
            }
        }

        return evidence;
    }

    /// <summary>
    /// The first second the generator was bound around the knee, when it was bound in 3 or more of the seconds from 5 s
    /// before the knee to 1 s after it; or, without a knee, when it was bound for a quarter of the judged seconds or more.
    /// One bound second (connections opening, users added to the pool as the server slows) did not limit the load.
    /// </summary>
    private static int? GeneratorBoundNear(bool[] bound, int? knee, int from, int to)
    {
        if (knee is { } k)
        {
            int near = 0;
            int? firstNear = null;
            for (int i = Math.Max(0, k - 5); i <= Math.Min(bound.Length - 1, k + 1); i++)
            {
                if (bound[i])
                {
                    near++;
                    firstNear ??= i;
                }
            }

            if (near < 3 || firstNear is not { } since)
            {
                return null;
            }

            // Say since when: the start of the bound stretch that reached the knee.
            while (since > 0 && bound[since - 1])
            {
                since--;
            }

            return since;
        }

        int count = 0;
        int? first = null;
        for (int i = from; i < Math.Min(bound.Length, to); i++)
        {
            if (bound[i])
            {
                count++;
                first ??= i;
            }
        }

        return count > 0 && count >= 0.25 * Math.Max(1, to - from) ? first : null;
    }

    /// <summary>A queue is saturated when full, or when it grows from its level before the window.</summary>
    private static (string State, string Detail) JudgeQueue(TargetSeries series, int from, List<double> window, double value, double? capacity, double? utilisation)
    {
        List<double> before = Values(series, Math.Max(0, from - 8), from);
        double baseline = before.Count > 0 ? Median(before) : window[0];
        double end = window.Skip(Math.Max(0, window.Count - Lasting)).Max();
        double step = series.Unit == "ms" ? 5 : 2;
        bool rising = end >= (2 * baseline) + step && value >= baseline + (step / 2);
        string of = capacity is { } c ? Fmt($" (of {Number(c)}{(utilisation is { } u ? $", {Percent(u)}" : string.Empty)})") : string.Empty;
        if (utilisation >= SaturatedAt || rising)
        {
            return ("saturated", Fmt($"rising {Amount(baseline, series.Unit)} → {Amount(end, series.Unit)}{of}"));
        }

        if (utilisation >= HighAt || value >= baseline + step)
        {
            return ("high", Fmt($"{Amount(value, series.Unit)}{of}, up from {Amount(baseline, series.Unit)}"));
        }

        return ("idle", Fmt($"{Amount(value, series.Unit)}{of}, not growing"));
    }

    private static BottleneckEvidence GeneratorEvidence(BottleneckInput run, int boundAt)
    {
        List<double> cpu = [.. run.GeneratorCpuPercent.Skip(boundAt).Take(Window).Where(double.IsFinite)];
        double? value = cpu.Count > 0 ? Median(cpu) : null;
        return new BottleneckEvidence
        {
            Resource = "generator",
            Series = "generator",
            Source = "Stampede",
            Value = value is { } v ? Math.Round(v, 1) : null,
            Capacity = 100,
            Unit = "percent",
            Utilization = value / 100,
            State = "saturated",
            Detail = Fmt($"the load generator was bound from second {boundAt + 1}{(value is { } c ? $" (its CPU {c:0}% of its cores)" : string.Empty)}: it could not offer more load, so the target's limit was not reached"),
        };
    }

    private static bool ErrorsRose(BottleneckInput run, int at, int to)
    {
        double during = Mean(run.ErrorRate, at, Math.Max(at + 1, to));
        double before = Mean(run.ErrorRate, 0, at);
        return during >= 0.01 && during > 2 * before;
    }

    private static BottleneckEvidence ErrorEvidence(BottleneckInput run, int at, int to)
    {
        double rate = Mean(run.ErrorRate, at, Math.Max(at + 1, to));
        return new BottleneckEvidence
        {
            Resource = "errors",
            Series = "error rate",
            Source = "Stampede",
            Value = Math.Round(rate * 100, 2),
            Unit = "percent",
            State = "saturated",
            Detail = Fmt($"{Percent(rate)} of requests failed from the knee on{(run.TopFailure is { } f ? $", mostly {f}" : string.Empty)}, before any watched resource saturated"),
        };
    }

    private static string KneeSummary(string resource, string kind, int at, BottleneckInput run, double[] load, double[] ok, string unit, List<BottleneckEvidence> evidence, IReadOnlyList<string> notWatched, int? boundAt)
    {
        string when = Fmt($"second {at + 1}");
        string offered = Fmt($"{Number(load[at])} {unit}");
        double? plateau = Plateau(ok, load, at);
        string throughput = plateau is { } p ? Fmt($"{p:0.#} req/s") : "its throughput";
        string how = kind switch
        {
            "throughput-plateau" => Fmt($"at {throughput} ({when}, {offered}) throughput stopped rising while {(run.OpenModel ? "the arrival rate" : "users")} kept rising to {Number(Max(load, at, load.Length))}"),
            "throughput-short" => Fmt($"from {when} the server completed {throughput} of {offered} offered"),
            "latency-bend" => Fmt($"at {when} ({offered}, {throughput}) latency bent: p50 reached {LatencyBend}× its light-load value"),
            "slo-failed" => Fmt($"at {when} ({offered}, {throughput}) the SLO first failed and kept failing"),
            _ => Fmt($"the load held at {offered} from {when} and {throughput} was served"),
        };

        string verdict = resource switch
        {
            "generator" => "the generator",
            "errors" => "errors",
            "unknown" => "unknown",
            _ => resource,
        };
        string facts = Facts(evidence);
        string missing = notWatched.Count == 0 ? string.Empty : $"; not watched: {string.Join(", ", notWatched)}";
        string lead = resource switch
        {
            "unknown" => "Bottleneck unknown",
            "generator" => "Bottleneck: the generator",
            _ => $"Bottleneck: {verdict}",
        };
        return $"{lead}. {Capitalize(how)}{(facts.Length > 0 ? "; " + facts : string.Empty)}{missing}.";
    }

    /// <summary>The evidence for the sentence: the named series and the other saturated or high ones (or the busiest), one per resource and source.</summary>
    private static string Facts(List<BottleneckEvidence> evidence)
    {
        IEnumerable<BottleneckEvidence> chosen = evidence.Where((e, i) => i == 0 || e.State is "saturated" or "high");
        if (!chosen.Skip(1).Any())
        {
            chosen = evidence.Take(3);
        }

        return string.Join(", ", chosen
            .DistinctBy(e => (e.Resource, e.Measure))
            .Take(5)
            .Select(e => e.Resource is "generator" or "errors" ? e.Detail : $"{Label(e)} {e.Measure}"));
    }

    private static string Label(BottleneckEvidence e) => e.Resource switch
    {
        "cpu" => e.Source == "this machine" ? "this machine's CPU" : $"{e.Source} CPU",
        "memory" => e.Source == "this machine" ? "this machine's memory" : $"{e.Source} memory",
        "gpu-memory" => $"{e.Source} GPU memory",
        "gpu" => $"{e.Source} GPU",
        "queue" => e.Unit == "ms" ? $"{e.Source} queue wait" : $"{e.Source} queue",
        "concurrency" => $"{e.Source} busy",
        _ => $"{e.Source} {e.Resource}",
    };

    private static string NoKneeSummary(BottleneckInput run, double[] load, double[] ok, string unit, List<BottleneckEvidence> evidence, IReadOnlyList<string> notWatched)
    {
        if (load.Length == 0)
        {
            return "No saturation reached: the run was too short to judge.";
        }

        string top = Fmt($"up to {Number(ok.Max())} req/s at {Number(load.Max())} {unit}");
        string facts = evidence.Count == 0 ? string.Empty : "; " + Facts(evidence);
        return $"No saturation reached: throughput followed load ({top}){facts}{(notWatched.Count > 0 && evidence.Count == 0 ? "; nothing was watched on the target" : string.Empty)}.";
    }

    private static IReadOnlyList<string> Advice(string resource, BottleneckInput run, IReadOnlyList<string> notWatched)
    {
        var advice = new List<string>();
        if (!run.Target.IsWatching)
        {
            advice.Add("Watch the target to name its bottleneck: --metrics-url for its exporters (node_exporter :9100, DCGM :9400, the server's own /metrics) or --watch-pid for a server on this machine.");
        }
        else if (resource == "unknown")
        {
            advice.Add($"Nothing watched explains the knee; add the missing resources ({string.Join(", ", notWatched)}) or map your server's own series with --watch RESOURCE=SERIES.");
        }

        advice.Add(resource switch
        {
            "generator" => "Give the generator more CPU, use fewer users per generator or run several generators; then run again.",
            "cpu" => "CPU limits the server: more cores or replicas, a lighter model (quantised, smaller input), or batching raise the ceiling.",
            "gpu" => "GPU compute limits the server: larger batches, a faster precision (FP16/INT8), or more GPUs.",
            "gpu-memory" => "GPU memory limits the server: a smaller model or KV cache per request, fewer concurrent sequences, or more GPU memory.",
            "memory" => "Memory limits the server: fewer workers per host, a smaller model, or more memory.",
            "network" => "The network limits the server: smaller payloads (compressed or lower-resolution inputs) or a faster link.",
            "disk" => "The disk limits the server: keep the model and data in memory or use faster storage.",
            "queue" or "concurrency" => "The server's own concurrency limits it while its hardware has room: more workers, instances or batch slots per replica.",
            "errors" => "The server failed before any watched resource saturated: read the failures table and the server's logs.",
            _ => string.Empty,
        });
        return [.. advice.Where(a => a.Length > 0)];
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static bool IsLimit(string resource) => resource is not ("replicas" or "generator" or "errors");

    private static int Rank(BottleneckEvidence e)
    {
        if (TargetResources.TryParse(e.Resource, out TargetResource r))
        {
            int physical = Array.IndexOf(PhysicalOrder, r);
            return physical >= 0 ? physical : r == TargetResource.Queue ? PhysicalOrder.Length : PhysicalOrder.Length + 1;
        }

        return PhysicalOrder.Length + 2;
    }

    private static int StateRank(string state) => state switch
    {
        "saturated" => 0,
        "high" => 1,
        "unknown" => 2,
        _ => 3,
    };

    /// <summary>Successful throughput on the plateau: the median from the knee while the load stays at its knee level or above.</summary>
    private static double? Plateau(double[] ok, double[] load, int at)
    {
        if (at >= ok.Length)
        {
            return null;
        }

        var values = new List<double>();
        for (int i = at; i < ok.Length; i++)
        {
            if (load[i] >= 0.95 * load[at])
            {
                values.Add(ok[i]);
            }
        }

        return values.Count == 0 ? ok[at] : Median(values);
    }

    private static double LightLoadP50(BottleneckInput run, double[] load, double[] p50)
    {
        double peak = load.Length == 0 ? 0 : load.Max();
        List<double> light = [.. Enumerable.Range(0, p50.Length).Where(i => double.IsFinite(p50[i]) && load[i] <= 0.5 * peak).Select(i => p50[i])];
        if (light.Count < 3)
        {
            light = [.. p50.Where(double.IsFinite).Take(5)];
        }

        return light.Count == 0 ? double.NaN : light.Min();
    }

    private static List<double> Values(TargetSeries series, int from, int to)
    {
        var values = new List<double>();
        for (int i = Math.Max(0, from); i < Math.Min(to, series.Values.Count); i++)
        {
            if (series.Values[i] is { } v && double.IsFinite(v))
            {
                values.Add(v);
            }
        }

        return values;
    }

    internal static double[] MovingMean(double[] values, int half = 2)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = Mean(values, Math.Max(0, i - half), Math.Min(values.Length, i + half + 1));
        }

        return result;
    }

    internal static double[] MovingMedian(double[] values, int half = 2)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            List<double> window = [.. values.Skip(Math.Max(0, i - half)).Take(Math.Min(values.Length, i + half + 1) - Math.Max(0, i - half)).Where(double.IsFinite)];
            result[i] = window.Count == 0 ? double.NaN : Median(window);
        }

        return result;
    }

    private static double Mean(double[] values, int from, int to)
    {
        double sum = 0;
        int count = 0;
        for (int i = Math.Max(0, from); i < Math.Min(to, values.Length); i++)
        {
            if (double.IsFinite(values[i]))
            {
                sum += values[i];
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    private static double Max(double[] values, int from, int to)
    {
        double max = double.NegativeInfinity;
        for (int i = from; i < to; i++)
        {
            max = Math.Max(max, values[i]);
        }

        return max;
    }

    private static double Quantile(double[] values, int from, int to, double q)
    {
        double[] slice = [.. values.Skip(from).Take(to - from).Where(double.IsFinite).Order()];
        return slice.Length == 0 ? 0 : slice[(int)Math.Min(slice.Length - 1, Math.Floor(q * slice.Length))];
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static int? FirstIndex(bool[] flags)
    {
        int i = Array.IndexOf(flags, true);
        return i < 0 ? null : i;
    }

    private static string Number(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : Math.Abs(value) >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);

    private static string Percent(double ratio) => (ratio * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A value with its unit, bytes in MiB/GiB.</summary>
    internal static string Amount(double value, string unit) => unit switch
    {
        "bytes" => value >= 1024d * 1024 * 1024 ? Fmt($"{value / (1024d * 1024 * 1024):0.##} GiB") : Fmt($"{value / (1024d * 1024):0.#} MiB"),
        "bytes/s" => Fmt($"{value / (1024d * 1024):0.##} MiB/s"),
        "percent" => Fmt($"{value:0.#}%"),
        _ => $"{Number(value)} {unit}",
    };

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
