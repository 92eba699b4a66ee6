using System.Globalization;
using Stampede.Analysis;
using Stampede.Monitoring;

namespace Stampede.Load;

/// <summary>Settings of one run, closed model (users) or open model (<see cref="Rate"/>, <see cref="RateStages"/>). Mutable; checked by <see cref="Validate"/> before the run starts.</summary>
public sealed class LoadTestOptions
{
    /// <summary>Base address requests go to (<c>http://127.0.0.1:8080</c>); a user class may override it.</summary>
    /// <value><see langword="null"/>: every HTTP user class must then set its own.</value>
    public string? Host { get; set; }

    /// <summary>Peak number of concurrent users (<c>--users</c>); ignored when <see cref="Shape"/> is set.</summary>
    /// <value>1.</value>
    public int Users { get; set; } = 1;

    /// <summary>Users started per second (<c>--spawn-rate</c>); fractional allowed; also the rate users stop at on ramp-down.</summary>
    /// <value>1.</value>
    public double SpawnRate { get; set; } = 1;

    /// <summary>Stops the run after this long (<c>--run-time</c>); <see langword="null"/> runs until stopped or the shape ends.</summary>
    /// <value><see langword="null"/>.</value>
    public TimeSpan? RunTime { get; set; }

    /// <summary>How long a stopping user may finish its current task before it is cancelled (<c>--stop-timeout</c>).</summary>
    /// <value>Zero: in-flight tasks are cancelled at once and their requests not recorded, as in Locust.</value>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>A custom load shape; replaces <see cref="Users"/> and <see cref="SpawnRate"/>.</summary>
    /// <value><see langword="null"/>.</value>
    public LoadShape? Shape { get; set; }

    /// <summary>Run only tasks with at least one of these tags (<c>--tags</c>); empty runs all.</summary>
    public IReadOnlyCollection<string> Tags { get; set; } = [];

    /// <summary>Never run tasks with any of these tags (<c>--exclude-tags</c>).</summary>
    public IReadOnlyCollection<string> ExcludeTags { get; set; } = [];

    /// <summary>Seed of every random choice (task picks, wait times), so runs repeat; <see langword="null"/> picks one and reports it.</summary>
    /// <value><see langword="null"/>.</value>
    public int? Seed { get; set; }

    /// <summary>Default limit for one request, to the last body byte (<c>--request-timeout</c>).</summary>
    /// <value>60 s.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>HTTP version requested (<c>--http-version</c>): 1.1 or 2 (plain-text HTTP/2 uses prior knowledge).</summary>
    /// <value>1.1.</value>
    public Version HttpVersion { get; set; } = System.Net.HttpVersion.Version11;

    /// <summary>All users share one connection pool instead of each owning its connections (<c>--shared-connections</c>).</summary>
    /// <remarks>Fewer sockets, but a load balancer then sees a few clients instead of a crowd, which hides uneven balancing and skews autoscaling tests.</remarks>
    /// <value><see langword="false"/>.</value>
    public bool ShareConnections { get; set; }

    /// <summary>
    /// Local addresses the users' connections leave from, in turn (<c>--source-address</c>): about 28,000 connections
    /// per address to one target, so more than that many users need several (127.0.0.1-127.0.0.4 against a loopback target).
    /// </summary>
    /// <value>None: the system picks.</value>
    public IReadOnlyList<System.Net.IPAddress> SourceAddresses { get; set; } = [];

    /// <summary>Accepts any TLS certificate the target presents (<c>--insecure</c>): self-signed, expired, for another name.</summary>
    /// <remarks>For a test server with a self-signed certificate only: the connection is then open to interception. A run that used it says so in every report.</remarks>
    /// <value><see langword="false"/>: certificates are checked as any HTTPS client checks them.</value>
    public bool Insecure { get; set; }

    /// <summary>The default of <see cref="MaxBodyBytes"/>: 4 MiB.</summary>
    public const long DefaultMaxBodyBytes = 4L * 1024 * 1024;

    /// <summary>The most of a response body kept in <see cref="Http.HttpResult.Body"/> for a task to read (<c>--max-body</c>), bytes.</summary>
    /// <remarks>
    /// The rest of a longer body is still read to its end (so the response time and the bytes received are true) but
    /// counted and dropped, and <see cref="Http.HttpResult.BodyTruncated"/> says so: a server that answers 100 MB by
    /// mistake cannot make the generator's memory grow with its users. 0 keeps no body at all.
    /// </remarks>
    /// <value><see cref="DefaultMaxBodyBytes"/>.</value>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>The default of <see cref="HistoryInMemory"/>: an hour.</summary>
    public static readonly TimeSpan DefaultHistoryInMemory = TimeSpan.FromHours(1);

    /// <summary>How much of the per-second history stays in memory (<c>--history-in-memory</c>); older seconds move to a file in the temp folder and are read back when an output needs them.</summary>
    /// <remarks>
    /// Each second of history holds every row's counts, percentiles and histogram, about 2 KB a row at thousands of
    /// requests a second: over a day, hundreds of MB. With the default, a run holds its last hour in memory and
    /// 16 bytes for each older second, so a soak's memory stays flat. <see cref="TimeSpan.Zero"/> keeps every second in memory.
    /// </remarks>
    /// <value><see cref="DefaultHistoryInMemory"/>.</value>
    public TimeSpan HistoryInMemory { get; set; } = DefaultHistoryInMemory;

    /// <summary>Generator CPU (percent of all cores) above which the run warns that its latencies are suspect.</summary>
    /// <value>90.</value>
    public double CpuWarningThresholdPercent { get; set; } = 90;

    /// <summary>
    /// Open model: starts this many iterations per second (<c>--rate</c>), each one task picked by the
    /// class and task weights, whether or not earlier ones have finished. <see langword="null"/> runs the
    /// closed model (<see cref="Users"/>), unless <see cref="RateStages"/> are given.
    /// </summary>
    /// <remarks>
    /// Response times are then measured from each iteration's intended start, so a server that stalls is
    /// charged for the requests it kept waiting (no coordinated omission); the time from the actual send
    /// is reported beside it as service time.
    /// </remarks>
    /// <value><see langword="null"/>.</value>
    public double? Rate { get; set; }

    /// <summary>Open-model rate stages (<c>--rate-stages</c>): linear ramps from <see cref="Rate"/> (or 0); the run ends after the last.</summary>
    /// <value>Empty: a steady <see cref="Rate"/>.</value>
    public IReadOnlyList<RateStage> RateStages { get; set; } = [];

    /// <summary>How open-model arrivals are spaced (<c>--arrivals</c>).</summary>
    /// <value><see cref="ArrivalProcess.Constant"/>.</value>
    public ArrivalProcess Arrivals { get; set; } = ArrivalProcess.Constant;

    /// <summary>Gamma shape of <see cref="ArrivalProcess.Poisson"/> gaps (<c>--burstiness</c>), as vLLM's benchmark: 1 is Poisson, below 1 burstier, above 1 more even.</summary>
    /// <value>1.</value>
    public double Burstiness { get; set; } = 1;

    /// <summary>Open model: users created and started before the first arrival (k6's <c>preAllocatedVUs</c>, <c>--pre-allocated-users</c>).</summary>
    /// <value><see langword="null"/>: <see cref="MaxUsers"/> when set, otherwise 10.</value>
    public int? PreAllocatedUsers { get; set; }

    /// <summary>
    /// Open model: the most users (concurrent iterations) the run may hold (k6's <c>maxVUs</c>, <c>--max-users</c>).
    /// An arrival that finds every user busy and the pool at this size is dropped and counted, never delayed.
    /// </summary>
    /// <remarks>A low cap shows a stalled server as dropped iterations; a high one shows it as latency but costs memory and sockets.</remarks>
    /// <value><see langword="null"/>: the larger of <see cref="PreAllocatedUsers"/> and 1,000.</value>
    public int? MaxUsers { get; set; }

    /// <summary>
    /// Open model: arrivals that may wait for a free user when none is free and the pool is full
    /// (<c>--backlog</c>). A waiting arrival starts late, and its response time still counts from its
    /// intended start, as wrk2 does with few connections; arrivals beyond the backlog are dropped.
    /// </summary>
    /// <value>0: an arrival that finds no free user is dropped at once, as in k6.</value>
    public int MaxBacklog { get; set; }

    /// <summary>A run shorter than this is judged INVALID (<c>--min-duration</c>), as MLPerf LoadGen requires a minimum duration.</summary>
    /// <value><see langword="null"/>: no minimum.</value>
    public TimeSpan? MinDuration { get; set; }

    /// <summary>
    /// Pass/fail rules checked live and at the end of the run (<c>--slo</c>), in the threshold language of
    /// <see cref="Threshold"/>: <c>Threshold.Parse("p95&lt;300ms")</c>, <c>Threshold.Parse("rps&gt;=48")</c>.
    /// </summary>
    /// <remarks>
    /// Each is measured at the end into <see cref="RunResult.Thresholds"/>. One written with <c>abort</c>
    /// stops the run, once its grace period has passed, at the first one-second snapshot where it fails
    /// (<see cref="StopReason.ThresholdAborted"/>); the outputs are still complete.
    /// </remarks>
    /// <value>Empty: nothing is checked.</value>
    public IReadOnlyList<Threshold> Thresholds { get; set; } = [];

    /// <summary>
    /// Prometheus endpoints of the system under test scraped every <see cref="MetricsInterval"/> while the load
    /// runs (<c>--metrics-url</c>): node_exporter, DCGM, Triton, vLLM, kube-state-metrics, the demo server,
    /// or any exporter whose series <see cref="Watches"/> maps. The run names its bottleneck from them.
    /// </summary>
    /// <remarks>Scrapes run on their own tasks with their own connections; a failing one is counted and shown, never fatal.</remarks>
    /// <value>Empty: no endpoint is scraped.</value>
    public IReadOnlyList<MetricsEndpoint> MetricsEndpoints { get; set; } = [];

    /// <summary>How often each source is scraped (<c>--metrics-interval</c>).</summary>
    /// <remarks>Shorter resolves a knee more finely but costs the exporter and the generator more; values land in the run's one-second history.</remarks>
    /// <value>1 s.</value>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one scrape may take before it counts as failed (<c>--metrics-timeout</c>).</summary>
    /// <value>2 s.</value>
    public TimeSpan MetricsTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Local processes (and their children) whose CPU and resident memory are read from /proc every <see cref="MetricsInterval"/> (<c>--watch-pid</c>): a model server on the same machine without an exporter.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<int> WatchPids { get; set; } = [];

    /// <summary>Series the built-in recognition does not know, mapped to a resource (<c>--watch queue=my_queue_depth</c>).</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<SeriesMapping> Watches { get; set; } = [];

    /// <summary>
    /// Whether a headline percentile (p50 … p99) resting on fewer samples than MLPerf LoadGen's binomial bound
    /// makes the run INVALID (<c>--strict</c>), as LoadGen rules; otherwise such a percentile is marked indicative.
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool Strict { get; set; }

    /// <summary>
    /// Validates autoscaling (<c>--expect-scale</c>, docs/autoscaling.md): a replica series from <see cref="MetricsEndpoints"/>
    /// watched through a spike of the load profile; the run ends with a PASS/FAIL verdict (<see cref="RunResult.Autoscaling"/>)
    /// that fails its checks when the target did not recover within <see cref="AutoscalingOptions.MaxRecovery"/>.
    /// </summary>
    /// <remarks>The <see cref="Thresholds"/> then define recovery, judged on each second's own requests; at least one is needed.</remarks>
    /// <value><see langword="null"/>: no autoscaling verdict.</value>
    public AutoscalingOptions? Autoscaling { get; set; }

    /// <summary>
    /// Whether the run is a soak (<c>--soak</c>): a latency (a row's p95) or memory series that the drift analysis
    /// (<see cref="RunResult.Drift"/>) finds rising fails the run's checks (exit code 3), as does a run too short to judge.
    /// </summary>
    /// <remarks>Without it the drift is still measured and reported on every run long enough, but never fails; docs/soak.md.</remarks>
    /// <value><see langword="false"/>.</value>
    public bool Soak { get; set; }

    /// <summary>
    /// Runs a capacity search instead of a fixed load (<c>--find-capacity</c>): open-model steps from
    /// <see cref="Experiments.CapacitySearchOptions.StartRate"/>, judged by <see cref="Thresholds"/> (at least one is needed),
    /// rising then bisecting to the highest rate that meets them (<see cref="RunResult.Capacity"/>).
    /// </summary>
    /// <value><see langword="null"/>: the load the other options describe.</value>
    public Experiments.CapacitySearchOptions? FindCapacity { get; set; }

    /// <summary>
    /// Runs a stress test to the breaking point instead of a fixed load (<c>--stress</c>): open-model steps of
    /// rising rate until one breaks, then a recovery phase (<see cref="RunResult.BreakingPoint"/>).
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public Experiments.StressTestOptions? Stress { get; set; }

    /// <summary>
    /// The first part of the run kept out of the steady-state statistics of the analyses (<c>--warmup</c>): the cold
    /// start's steady p50 (<see cref="RunResult.ColdStart"/>) leaves out the requests that completed in the run's first
    /// ⌈<see cref="Warmup"/>⌉ one-second intervals and reports them apart (<see cref="Analysis.ColdStartAnalysis.Warmup"/>);
    /// the drift analysis judges its trends after it.
    /// </summary>
    /// <remarks>
    /// The rows, their percentiles, the history, the CSVs, thresholds, SLOs and baselines are never cut: they describe
    /// the whole run. Only the analyses that ask for a steady state read past the warm-up.
    /// </remarks>
    /// <value>Zero: nothing is left out.</value>
    public TimeSpan Warmup { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Cold starts of the target measured before this run (<c>--target-command</c>, <c>--cold-starts</c>): each one's
    /// spawn-to-ready time and first requests. With any, the run reports <see cref="RunResult.ColdStart"/>, comparing
    /// the first requests with this run's steady state (after <see cref="Warmup"/>).
    /// </summary>
    /// <value>Empty: no cold-start analysis.</value>
    public IReadOnlyList<Analysis.ColdStartTrial> ColdStartTrials { get; set; } = [];

    /// <summary>
    /// Whether the run goes on when every request of its first seconds failed without reaching a server (<c>--keep-going</c>).
    /// Without it such a run stops early (<see cref="StopReason.TargetUnreachable"/>); either way it warns with the likely cause.
    /// </summary>
    /// <remarks>Useful when the target is known to come up later than the load starts; <c>--target-ready</c> waits for it instead.</remarks>
    /// <value><see langword="false"/>.</value>
    public bool KeepGoing { get; set; }

    /// <summary>
    /// Per-request bounds of goodput (<c>--goodput "ttft&lt;500ms,tpot&lt;50ms"</c>): each row's LLM statistics then count the
    /// completed streams that met every bound, their share and their rate (<see cref="Metrics.LlmStats.Goodput"/>).
    /// </summary>
    /// <value><see langword="null"/>: goodput is not measured.</value>
    public Llm.GoodputBounds? Goodput { get; set; }

    /// <summary>Whether this run uses the open model (a <see cref="Rate"/> or <see cref="RateStages"/>).</summary>
    public bool IsOpenModel => Rate is not null || RateStages.Count > 0 || FindCapacity is not null || Stress is not null;

    /// <summary>
    /// A distributed run's coordinator: the agents that send the load (docs/distributed.md). The run then starts no
    /// users of its own; its statistics are the exact merge of the agents'.
    /// </summary>
    internal Cluster.IAgentFleet? Fleet { get; set; }

    /// <summary>A distributed run's agent: its share of the load, its start and its reports to the coordinator.</summary>
    internal Cluster.AgentHooks? Agent { get; set; }

    internal int EffectivePreAllocatedUsers => PreAllocatedUsers ?? Math.Min(MaxUsers ?? 10, 10);

    internal int EffectiveMaxUsers => MaxUsers ?? Math.Max(EffectivePreAllocatedUsers, 1000);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option, its value and what is valid.</summary>
    public void Validate()
    {
        if (Users < 0)
        {
            throw Invalid(nameof(Users), Users, "a number of users, 0 or more");
        }

        if (SourceAddresses.Count > 0 && ShareConnections)
        {
            throw new ArgumentException("SourceAddresses spreads each user's own connections over its addresses; it cannot be combined with ShareConnections.", nameof(SourceAddresses));
        }

        if (!(SpawnRate > 0) || double.IsInfinity(SpawnRate))
        {
            throw Invalid(nameof(SpawnRate), SpawnRate, "users per second above 0, e.g. 10 or 0.5");
        }

        if (RunTime is { } runTime && runTime <= TimeSpan.Zero)
        {
            throw Invalid(nameof(RunTime), runTime, "a positive duration, or null to run until stopped");
        }

        if (StopTimeout < TimeSpan.Zero)
        {
            throw Invalid(nameof(StopTimeout), StopTimeout, "a duration of 0 or more");
        }

        if (HistoryInMemory < TimeSpan.Zero)
        {
            throw Invalid(nameof(HistoryInMemory), HistoryInMemory, "a duration of 0 or more");
        }

        if (MaxBodyBytes < 0)
        {
            throw Invalid(nameof(MaxBodyBytes), MaxBodyBytes, "0 or more bytes");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(RequestTimeout), RequestTimeout, "a positive duration");
        }

        if (HttpVersion.Major is not (1 or 2))
        {
            throw Invalid(nameof(HttpVersion), HttpVersion, "1.1 or 2.0");
        }

        if (!(CpuWarningThresholdPercent is > 0 and <= 100))
        {
            throw Invalid(nameof(CpuWarningThresholdPercent), CpuWarningThresholdPercent, "a percentage above 0 and up to 100");
        }

        if (Rate is { } rate && (!(rate >= 0) || double.IsInfinity(rate)))
        {
            throw Invalid(nameof(Rate), rate, "iterations per second, 0 or more, e.g. 50 or 0.5");
        }

        foreach (RateStage stage in RateStages)
        {
            if (stage.Duration < TimeSpan.Zero || !(stage.Rate >= 0) || double.IsInfinity(stage.Rate))
            {
                throw Invalid(nameof(RateStages), stage, "stages of a duration of 0 or more and a rate of 0 or more iterations/s");
            }
        }

        if (!(Burstiness > 0) || double.IsInfinity(Burstiness))
        {
            throw Invalid(nameof(Burstiness), Burstiness, "a Gamma shape above 0 (1 = Poisson)");
        }

        if (PreAllocatedUsers is < 0)
        {
            throw Invalid(nameof(PreAllocatedUsers), PreAllocatedUsers, "0 or more users");
        }

        if (MaxUsers is < 1)
        {
            throw Invalid(nameof(MaxUsers), MaxUsers, "1 or more users");
        }

        if (MinDuration is { } minDuration && minDuration < TimeSpan.Zero)
        {
            throw Invalid(nameof(MinDuration), minDuration, "a duration of 0 or more");
        }

        if (Thresholds is null || Thresholds.Any(t => t is null))
        {
            throw Invalid(nameof(Thresholds), "a list with a null entry", "a list of parsed thresholds (Threshold.Parse), possibly empty");
        }

        if (MaxBacklog < 0)
        {
            throw Invalid(nameof(MaxBacklog), MaxBacklog, "0 or more arrivals");
        }

        if (PreAllocatedUsers is { } pre && MaxUsers is { } max && pre > max)
        {
            throw Invalid(nameof(PreAllocatedUsers), pre, $"at most MaxUsers ({max})");
        }

        if (MetricsInterval < TimeSpan.FromMilliseconds(100) || MetricsInterval > TimeSpan.FromMinutes(5))
        {
            throw Invalid(nameof(MetricsInterval), MetricsInterval, "from 100 ms to 5 min");
        }

        if (MetricsTimeout <= TimeSpan.Zero)
        {
            throw Invalid(nameof(MetricsTimeout), MetricsTimeout, "a positive duration");
        }

        if (MetricsEndpoints.Any(e => e is null) || Watches.Any(w => w is null))
        {
            throw Invalid(nameof(MetricsEndpoints), "a list with a null entry", "lists without null entries");
        }

        if (WatchPids.FirstOrDefault(p => p <= 0) is var pid and not 0)
        {
            throw Invalid(nameof(WatchPids), pid, "process ids above 0");
        }

        if (Stress is { } stress)
        {
            stress.Validate();
            if (FindCapacity is not null || RateStages.Count > 0)
            {
                throw Invalid(nameof(Stress), "set with FindCapacity or RateStages", "the only load of the run: it sets each step's rate itself");
            }
        }

        if (FindCapacity is { } search)
        {
            search.Validate();
            if (Thresholds.Count == 0)
            {
                throw Invalid(nameof(FindCapacity), "set without thresholds", "given with at least one threshold, the SLO each step must meet (--slo \"p95<300ms\")");
            }

            if (RateStages.Count > 0)
            {
                throw Invalid(nameof(RateStages), "set with FindCapacity", "empty: the capacity search sets the rate of each step");
            }
        }

        if (Warmup < TimeSpan.Zero)
        {
            throw Invalid(nameof(Warmup), Warmup, "a duration of 0 or more");
        }

        if (ColdStartTrials is null || ColdStartTrials.Any(t => t is null))
        {
            throw Invalid(nameof(ColdStartTrials), "a list with a null entry", "a list of measured cold starts, possibly empty");
        }

        Autoscaling?.Validate(this);

        if (Host is not null && (!Uri.TryCreate(Host, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw Invalid(nameof(Host), Host, "an absolute http:// or https:// URL such as http://127.0.0.1:8080");
        }
    }

    private static ArgumentException Invalid(string option, object value, string valid) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{option} is {value}; it must be {valid}."), option);
}

/// <summary>The settings users read while the run goes on.</summary>
internal sealed record RunSettings(string? Host, Version HttpVersion, TimeSpan RequestTimeout, HttpMessageHandler? SharedHandler)
{
    /// <summary><see cref="LoadTestOptions.SourceAddresses"/>.</summary>
    public IReadOnlyList<System.Net.IPAddress> SourceAddresses { get; init; } = [];

    /// <summary><see cref="LoadTestOptions.Insecure"/>.</summary>
    public bool Insecure { get; init; }

    /// <summary><see cref="LoadTestOptions.MaxBodyBytes"/>.</summary>
    public long MaxBodyBytes { get; init; } = LoadTestOptions.DefaultMaxBodyBytes;
}
