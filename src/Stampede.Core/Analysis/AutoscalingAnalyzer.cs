using System.Globalization;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Analysis;

/// <summary>
/// Judges whether the system under test scaled out in time for a spike of load (docs/autoscaling.md), on per-second values.
/// </summary>
/// <remarks>
/// <para>
/// The spike is the first rise of the offered load (users, or the open model's target rate) by <see cref="SpikeRise"/>× or
/// more within 2 s, from a level that held within ±<see cref="SteadyBand"/> for the 2–3 s before it; it starts in the first
/// second at or past the middle of that rise. A ramp from zero is not a spike: it never holds a level first.
/// </para>
/// <para>
/// From there: scale-out is the first second whose read of the series is above the last read before the spike; recovery the
/// start of the first window of <see cref="AutoscalingOptions.StableFor"/> seconds, before the load falls back below the middle
/// of the rise, in which every second completed requests and every threshold held on them. PASS when recovery came within
/// <see cref="AutoscalingOptions.MaxRecovery"/>; FAIL when the series is missing, there was no spike, the series never rose,
/// recovery never came or came too late.
/// </para>
/// </remarks>
internal static class AutoscalingAnalyzer
{
    /// <summary>The verdict of a run that recovered in time.</summary>
    public const string Pass = "PASS";

    /// <summary>The verdict of every other run.</summary>
    public const string Fail = "FAIL";

    /// <summary>How much the offered load must rise within 2 s to be a spike: 1.5×.</summary>
    public const double SpikeRise = 1.5;

    /// <summary>How steady the load must be before a spike: within ±10% of its level.</summary>
    public const double SteadyBand = 0.10;

    /// <summary>The verdict of a finished run whose options ask for it (<see cref="LoadTestOptions.Autoscaling"/>).</summary>
    public static AutoscalingAnalysis Analyze(StatsSnapshot stats, LoadTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AutoscalingOptions autoscaling = options.Autoscaling ?? throw new ArgumentException("The run has no autoscaling options.", nameof(options));
        return Analyze(AutoscalingInput.From(stats, options), autoscaling, [.. options.Thresholds.Select(t => t.Expression)]);
    }

    /// <summary>The verdict of a run's per-second series.</summary>
    public static AutoscalingAnalysis Analyze(AutoscalingInput run, AutoscalingOptions options, IReadOnlyList<string> thresholds)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(thresholds);
        int n = run.Offered.Length;
        int stable = (int)options.StableFor.TotalSeconds;
        int maxRecovery = (int)options.MaxRecovery.TotalSeconds;
        string unit = run.OpenModel ? "iterations/s" : "users";
        var failures = new List<string>();

        TargetSeries? series = Find(run.Target, options.Mapping);
        List<(int Second, double Value)> reads = series is null ? [] : Reads(series);
        if (reads.Count == 0)
        {
            failures.Add(Missing(run.Target, options.Series, series));
        }

        LoadSpike? spike = FindSpike(run.Offered);
        if (spike is null)
        {
            failures.Add("no spike in the load profile: the offered load never rose by 50% or more within 2 s from a steady level");
        }

        var result = new AutoscalingAnalysis
        {
            Verdict = Fail,
            Reason = string.Empty,
            Series = options.Series,
            MatchedSeries = series?.DisplayName,
            Source = series?.Source,
            Unit = series?.Unit,
            Thresholds = thresholds,
            StableForSeconds = stable,
            MaxRecoverySeconds = maxRecovery,
            OfferedUnit = unit,
            ReplicasBefore = reads.Count > 0 ? reads[^1].Value : null,
            ReplicasMax = reads.Count > 0 ? reads.Max(r => r.Value) : null,
            ReplicasAfter = reads.Count > 0 ? reads[^1].Value : null,
        };

        if (spike is not { } s)
        {
            return Finish(result with { ReplicasBefore = reads.Count > 0 ? reads[0].Value : null }, failures);
        }

        int? drop = FindDrop(run.Offered, s);
        int end = drop ?? n;
        int? recovered = null;
        for (int r = s.Second; r + stable <= end; r++)
        {
            if (AllHeld(run.Held, r, r + stable))
            {
                recovered = r;
                break;
            }
        }

        double peakP95 = double.NaN;
        for (int i = s.Second; i < end; i++)
        {
            if (double.IsFinite(run.P95Ms[i]) && !(run.P95Ms[i] <= peakP95))
            {
                peakP95 = run.P95Ms[i];
            }
        }

        long errors = 0;
        for (int i = s.Second; i < (recovered ?? end); i++)
        {
            errors += run.Failures[i];
        }

        result = result with
        {
            SpikeAtSecond = s.Second,
            OfferedBefore = Math.Round(s.Before, 3),
            OfferedAtSpike = Math.Round(s.Level, 3),
            RecoverySeconds = recovered - s.Second,
            PeakP95Ms = double.IsFinite(peakP95) ? Math.Round(peakP95, 3) : null,
            ErrorsDuringSpike = errors,
            LoadDropAtSecond = drop,
        };

        if (reads.Count > 0)
        {
            double before = LastBefore(reads, s.Second) ?? reads[0].Value;
            int? rose = reads.Where(r => r.Second >= s.Second && r.Value > before).Select(r => (int?)r.Second).FirstOrDefault();
            int? scaleIn = null;
            if (drop is { } d && LastBefore(reads, d) is { } atDrop)
            {
                scaleIn = reads.Where(r => r.Second >= d && r.Value < atDrop).Select(r => (int?)(r.Second - d)).FirstOrDefault();
            }

            List<double> from = [.. reads.Where(r => r.Second >= s.Second).Select(r => r.Value)];
            result = result with
            {
                ReplicasBefore = before,
                ReplicasMax = from.Count > 0 ? from.Max() : before,
                ScaleOutSeconds = rose - s.Second,
                ScaleInSeconds = scaleIn,
            };
            if (rose is null)
            {
                failures.Add(Fmt($"the series never rose above its pre-spike value {Number(before)}{UnitText(series!.Unit)}"));
            }
        }

        string during = Fmt($"seconds {s.Second}–{end - 1}");
        if (recovered is null)
        {
            failures.Add(end - s.Second < stable
                ? Fmt($"never recovered: the spike's load lasted {end - s.Second} s ({during}), shorter than --stable-for {stable} s")
                : Fmt($"never recovered: no {stable} s window in which every threshold held came while the spike's load lasted ({during})"));
        }
        else if (recovered - s.Second > maxRecovery)
        {
            failures.Add(Fmt($"recovered too late: {recovered - s.Second} s after the spike, more than --max-recovery {maxRecovery} s"));
        }

        return Finish(result, failures);
    }

    /// <summary>
    /// The spike in <paramref name="offered"/>: the first second k ≥ 2 whose previous second's level L held within
    /// ±<see cref="SteadyBand"/> over the up to 3 seconds before k and from which the load reached <see cref="SpikeRise"/>·L
    /// or more in k or k + 1; the spike starts in the first of those two seconds at or past the middle of the rise.
    /// </summary>
    internal static LoadSpike? FindSpike(IReadOnlyList<double> offered)
    {
        ArgumentNullException.ThrowIfNull(offered);
        for (int k = 2; k < offered.Count; k++)
        {
            double level = offered[k - 1];
            if (!(level > 0))
            {
                continue;
            }

            bool steady = true;
            for (int i = Math.Max(0, k - 3); i < k; i++)
            {
                steady &= Math.Abs(offered[i] - level) <= SteadyBand * level;
            }

            double peak = k + 1 < offered.Count ? Math.Max(offered[k], offered[k + 1]) : offered[k];
            if (!steady || peak < SpikeRise * level)
            {
                continue;
            }

            double middle = level + ((peak - level) / 2);
            return new LoadSpike(offered[k] >= middle ? k : k + 1, level, peak);
        }

        return null;
    }

    /// <summary>The first second after the spike whose offered load is below the middle of the spike's rise; <see langword="null"/> when it stays up.</summary>
    internal static int? FindDrop(IReadOnlyList<double> offered, LoadSpike spike)
    {
        ArgumentNullException.ThrowIfNull(offered);
        double middle = spike.Before + ((spike.Level - spike.Before) / 2);
        for (int i = spike.Second + 1; i < offered.Count; i++)
        {
            if (offered[i] < middle)
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// The open model's target rate over each of the first <paramref name="seconds"/> seconds of the run, iterations/s: the
    /// schedule's own arithmetic, so Poisson arrivals do not make a steady rate look noisy.
    /// </summary>
    internal static double[] PlannedRate(LoadTestOptions options, int seconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        var schedule = new ArrivalSchedule(options.Rate, options.RateStages, ArrivalProcess.Constant, 1, new Random(0));
        var rate = new double[seconds];
        for (int i = 0; i < seconds; i++)
        {
            rate[i] = schedule.ExpectedCount(i, i + 1);
        }

        return rate;
    }

    /// <summary>
    /// Whether the load profile of <paramref name="options"/> can have a spike: the open model's rate stages have one before the
    /// run time ends; a closed model without a shape (a constant crowd) has none; a shape (stages, custom) is judged after the run.
    /// </summary>
    internal static bool PlannedSpike(LoadTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsOpenModel)
        {
            return options.Shape is not null;
        }

        var schedule = new ArrivalSchedule(options.Rate, options.RateStages, ArrivalProcess.Constant, 1, new Random(0));
        double horizon = Math.Min(schedule.End, options.RunTime?.TotalSeconds ?? double.PositiveInfinity);
        if (double.IsInfinity(horizon))
        {
            // A steady rate for ever: no stage, no spike.
            return false;
        }

        return FindSpike(PlannedRate(options, (int)Math.Min(Math.Ceiling(horizon), 1_000_000))) is not null;
    }

    /// <summary>The first series of <paramref name="target"/> named as <paramref name="mapping"/> with its labels, a replicas series first.</summary>
    internal static TargetSeries? Find(TargetSnapshot target, SeriesMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(mapping);
        IEnumerable<TargetSeries> matching = target.Series.Where(s => string.Equals(s.Name, mapping.Metric, StringComparison.Ordinal)
            && mapping.Labels.All(l => s.Labels.TryGetValue(l.Key, out string? v) && string.Equals(v, l.Value, StringComparison.Ordinal)));
        return matching.OrderBy(s => s.Resource == TargetResource.Replicas ? 0 : 1).ThenByDescending(s => s.Values.Count(v => v is not null)).FirstOrDefault();
    }

    private static AutoscalingAnalysis Finish(AutoscalingAnalysis result, List<string> failures)
    {
        if (failures.Count > 0)
        {
            return result with { Verdict = Fail, Reason = string.Join("; ", failures), Failures = failures };
        }

        string rose = result.ScaleOutSeconds is { } up
            ? Fmt($"; the series rose from {Number(result.ReplicasBefore ?? 0)} to {Number(result.ReplicasMax ?? 0)}{UnitText(result.Unit)} {up} s after it")
            : string.Empty;
        return result with
        {
            Verdict = Pass,
            Reason = Fmt($"recovered {result.RecoverySeconds} s after the spike, within --max-recovery {result.MaxRecoverySeconds} s{rose}"),
            Failures = [],
        };
    }

    private static string Missing(TargetSnapshot target, string wanted, TargetSeries? empty)
    {
        List<TargetSourceStats> scraped = [.. target.Sources.Where(s => s.Kind == "prometheus")];
        string sources = scraped.Count == 0 ? "none; add --metrics-url"
            : string.Join(", ", scraped.Select(s => s.Scrapes > 0 && s.Failures == s.Scrapes ? Fmt($"{s.Name}, whose {s.Scrapes} scrapes all failed: {s.LastError}") : s.Name));
        return empty is null
            ? $"no source exposes {wanted} (scraped: {sources}); check the name and labels with curl on the metrics URL"
            : $"{wanted} was exposed but never read a value (scraped: {sources})";
    }

    private static List<(int Second, double Value)> Reads(TargetSeries series)
    {
        var reads = new List<(int, double)>();
        for (int i = 0; i < series.Values.Count; i++)
        {
            if (series.Values[i] is { } v && double.IsFinite(v))
            {
                reads.Add((i, v));
            }
        }

        return reads;
    }

    private static double? LastBefore(List<(int Second, double Value)> reads, int second)
    {
        double? last = null;
        foreach ((int at, double value) in reads)
        {
            if (at >= second)
            {
                break;
            }

            last = value;
        }

        return last;
    }

    private static bool AllHeld(bool[] held, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            if (!held[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string UnitText(string? unit) => unit is null or "value" ? string.Empty : " " + unit;

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
