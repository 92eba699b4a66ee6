namespace Stampede.Load;

/// <summary>
/// The intended start times of an open-model run, in seconds from the run's start: absolute times
/// computed from the rate profile, never "sleep 1/R after each send", so the schedule cannot drift.
/// </summary>
/// <remarks>
/// Arrivals are drawn for a unit-rate process and mapped through the cumulative rate
/// Λ(t) = ∫ rate(u) du: the k-th arrival of the unit process at Λ = a lands at the t with Λ(t) = a.
/// At a steady rate this is plain 1/R spacing (constant) or exponential gaps (Poisson); under a linear
/// ramp it gives exactly as many arrivals per second as the ramp's area (a non-homogeneous Poisson
/// process for random arrivals). Gamma gaps use shape = burstiness and mean 1, as vLLM's
/// <c>--burstiness</c>: 1 is Poisson, below 1 burstier, above 1 more regular.
/// </remarks>
internal sealed class ArrivalSchedule
{
    private volatile Segment[] _segments;
    private readonly ArrivalProcess _process;
    private readonly double _burstiness;
    private readonly Random _random;
    private double _next; // next arrival in unit-rate time (Λ)
    private int _segment;

    /// <param name="rate">Steady rate (iterations/s), or the rate the first stage starts from; <see langword="null"/> = 0.</param>
    /// <param name="stages">Rate stages; empty runs <paramref name="rate"/> forever.</param>
    /// <param name="process">Constant or random spacing.</param>
    /// <param name="burstiness">Gamma shape for <see cref="ArrivalProcess.Poisson"/>; 1 = exponential gaps.</param>
    /// <param name="random">The seeded source of random gaps.</param>
    public ArrivalSchedule(double? rate, IReadOnlyList<RateStage> stages, ArrivalProcess process, double burstiness, Random random)
    {
        _process = process;
        _burstiness = burstiness;
        _random = random;
        var segments = new List<Segment>();
        double start = 0;
        double area = 0;
        double from = rate ?? 0;
        foreach (RateStage stage in stages)
        {
            double duration = stage.Duration.TotalSeconds;
            var segment = new Segment(start, duration, from, stage.Rate, area);
            segments.Add(segment);
            area += segment.Area;
            start += duration;
            from = stage.Rate;
        }

        if (stages.Count == 0)
        {
            segments.Add(new Segment(0, double.PositiveInfinity, from, from, 0));
        }

        _segments = [.. segments];
        _next = process == ArrivalProcess.Constant ? 0 : Gap();
    }

    /// <summary>When the schedule ends (after the last stage), in seconds; infinity for a steady rate.</summary>
    public double End => _segments[^1].Start + _segments[^1].Duration;

    /// <summary>Iterations the schedule holds between <paramref name="from"/> and <paramref name="to"/> seconds on average (the rate's area).</summary>
    public double ExpectedCount(double from, double to) => Cumulative(to) - Cumulative(from);

    /// <summary>The target rate at <paramref name="seconds"/>, iterations/s; after the last stage, that stage's final rate.</summary>
    public double RateAt(double seconds)
    {
        foreach (Segment s in _segments)
        {
            if (seconds < s.Start + s.Duration)
            {
                return s.RateAt(Math.Max(0, seconds - s.Start));
            }
        }

        return _segments[^1].To;
    }

    /// <summary>The next intended start, seconds from the run's start; <see langword="false"/> once the schedule has ended.</summary>
    public bool TryNext(out double seconds)
    {
        Segment[] segments = _segments;
        double target = _next;
        while (_segment < segments.Length && segments[_segment].AreaStart + segments[_segment].Area <= target)
        {
            _segment++;
        }

        if (_segment == segments.Length)
        {
            seconds = 0;
            return false;
        }

        seconds = segments[_segment].TimeAt(target - segments[_segment].AreaStart);
        _next = target + Gap();
        return true;
    }

    /// <summary>
    /// Changes a steady schedule's rate from <paramref name="atSeconds"/> on (an experiment's next step): the open
    /// last segment ends there and a steady one at <paramref name="rate"/> follows. Arrivals keep their absolute
    /// times; only those after <paramref name="atSeconds"/> follow the new rate. Safe to call from another thread
    /// than the one calling <see cref="TryNext"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The schedule has stages that end (it is not steady at its end).</exception>
    public void SetRate(double rate, double atSeconds)
    {
        Segment[] segments = _segments;
        Segment last = segments[^1];
        if (!double.IsInfinity(last.Duration))
        {
            throw new InvalidOperationException("Only a schedule that ends in a steady rate can change its rate.");
        }

        double at = Math.Max(atSeconds, last.Start);
        var ended = last with { Duration = at - last.Start, To = last.From };
        var next = new Segment(at, double.PositiveInfinity, rate, rate, ended.AreaStart + ended.Area);
        _segments = [.. segments[..^1], ended, next];
    }

    private double Cumulative(double t)
    {
        foreach (Segment s in _segments)
        {
            if (t < s.Start + s.Duration)
            {
                return s.AreaStart + s.AreaUntil(Math.Max(0, t - s.Start));
            }
        }

        return _segments[^1].AreaStart + _segments[^1].Area;
    }

    private double Gap() => _process switch
    {
        ArrivalProcess.Constant => 1,
        _ when _burstiness == 1 => Exponential(),
        _ => Gamma(_burstiness) / _burstiness,
    };

    private double Exponential() => -Math.Log(1 - _random.NextDouble());

    /// <summary>A Gamma(shape, 1) draw by Marsaglia and Tsang's method; shapes below 1 use the boost U^(1/shape).</summary>
    private double Gamma(double shape)
    {
        if (shape < 1)
        {
            return Gamma(shape + 1) * Math.Pow(1 - _random.NextDouble(), 1 / shape);
        }

        double d = shape - (1.0 / 3);
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x;
            double v;
            do
            {
                x = Normal();
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            double u = 1 - _random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    private double Normal()
    {
        // Box–Muller; one of the pair is enough here.
        double u1 = 1 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A span of linearly changing rate: r(t) = from + slope·t for t in [0, duration).</summary>
    private readonly record struct Segment(double Start, double Duration, double From, double To, double AreaStart)
    {
        private double Slope => Duration > 0 && !double.IsInfinity(Duration) ? (To - From) / Duration : 0;

        public double Area => double.IsInfinity(Duration) ? (From > 0 ? double.PositiveInfinity : 0) : Duration > 0 ? AreaUntil(Duration) : 0;

        public double RateAt(double t) => From + (Slope * t);

        public double AreaUntil(double t) => (From * t) + (Slope * t * t / 2);

        /// <summary>The time within the segment (plus its start) at which its area reaches <paramref name="area"/>.</summary>
        public double TimeAt(double area)
        {
            if (area <= 0)
            {
                return Start;
            }

            // Solve From·t + Slope·t²/2 = area in the form that stays stable when Slope ≈ 0 or From = 0.
            double root = Math.Sqrt(Math.Max(0, (From * From) + (2 * Slope * area)));
            double t = 2 * area / (From + root);
            return Start + Math.Min(t, Duration);
        }
    }
}
