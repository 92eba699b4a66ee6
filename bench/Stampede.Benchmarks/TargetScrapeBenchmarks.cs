using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Stampede.Monitoring;
using Stampede.Monitoring.Prometheus;
using Stampede.Monitoring.Target;

namespace Stampede.Benchmarks;

/// <summary>
/// What scraping one target costs the generator each interval: parsing a node_exporter-like exposition of
/// 2,000 series, recognising its known series, and the whole read of one source over HTTP from loopback.
/// The requirement is 4 such sources per second in under 2% of one core (20 ms of CPU per second); the
/// whole-process measurement is bench/target-scrape. Results are kept in TargetScrapeBenchmarks.md beside this file.
/// </summary>
/// <remarks>Min and Median are shown beside the mean: on a 2-core machine shared with builds, a busy iteration only ever adds time.</remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
public class TargetScrapeBenchmarks
{
    /// <summary>Series per exposition, as the requirement states.</summary>
    public const int Series = 2000;

    // Scrapes pre-generated, so counters rise from one to the next. A ring of two alternating texts (A, B, A …)
    // would make every counter fall on each second B → A and take the reset path, which builds a warning key per
    // series: a cost a real target (whose counters only rise) never causes. At the end of the ring the recognizer
    // starts over, so one operation in Ring reads without a previous scrape.
    private const int Ring = 64;

    private string[] _texts = null!;
    private Exposition[] _parsed = null!;
    private FakeSource _fake = null!;
    private SeriesRecognizer _recognizer = null!;
    private int _next;
    private LoopbackExporter _exporter = null!;
    private PrometheusSource _source = null!;
    private SeriesRecognizer _httpRecognizer = null!;
    private int _httpNext;

    [GlobalSetup]
    public void Setup()
    {
        _texts = new string[Ring];
        _parsed = new Exposition[Ring];
        for (int i = 0; i < Ring; i++)
        {
            _texts[i] = NodeExporterText(i);
            _parsed[i] = ExpositionParser.Parse(_texts[i], openMetrics: false);
            if (_parsed[i].SampleCount != Series || _parsed[i].Warnings.Count > 0)
            {
                throw new InvalidOperationException($"the generated exposition has {_parsed[i].SampleCount} samples and {_parsed[i].Warnings.Count} warnings");
            }
        }

        Console.WriteLine($"// exposition: {Series} series in {_parsed[0].Families.Count} families, {Encoding.UTF8.GetByteCount(_texts[0])} bytes");
        _fake = new FakeSource();
        _recognizer = NewRecognizer(_fake);
        _exporter = new LoopbackExporter(_texts);
        _source = new PrometheusSource(new MetricsEndpoint("node", _exporter.Url), TimeSpan.FromSeconds(10));
        _httpRecognizer = NewRecognizer(_source);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _source.Dispose();
        _exporter.Dispose();
    }

    /// <summary>Parsing one exposition of 2,000 series (text format 0.0.4, as the Content-Type says).</summary>
    [Benchmark]
    public int Parse() => ExpositionParser.Parse(_texts[1], openMetrics: false).SampleCount;

    /// <summary>Recognising the known series of an already parsed scrape: counter rates, memory, network, disk.</summary>
    [Benchmark]
    public int Recognize()
    {
        int i = NextIndex(ref _next, ref _recognizer, _fake);
        return _recognizer.Recognize(_parsed[i], i).Count;
    }

    /// <summary>What a source's loop does with a body it has read: parse, then recognise.</summary>
    [Benchmark]
    public int ParseAndRecognize()
    {
        int i = NextIndex(ref _next, ref _recognizer, _fake);
        Exposition exposition = ExpositionParser.Parse(_texts[i], openMetrics: false);
        return _recognizer.Recognize(exposition, i).Count;
    }

    /// <summary>
    /// One source's whole read: <see cref="PrometheusSource"/>'s GET over its kept-alive loopback connection (the
    /// body copied, decoded and parsed), then recognition. The exporter answers from pre-built bytes on its own
    /// thread, allocating nothing per request, so the time is the client's plus the loopback copy.
    /// </summary>
    [Benchmark]
    public async Task<int> ScrapeOverLoopback()
    {
        int i = NextIndex(ref _httpNext, ref _httpRecognizer, _source);
        SourceReading reading = await _source.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        return reading.Exposition is { } exposition && reading.Error is null
            ? _httpRecognizer.Recognize(exposition, i).Count
            : throw new InvalidOperationException(reading.Error);
    }

    /// <summary>
    /// node_exporter's shape in text format 0.0.4, as scrape <paramref name="n"/> (one a second) of a 32-CPU host
    /// sees it: per-CPU mode counters, memory gauges, network and disk counters per device, filesystem gauges, two
    /// labelled histograms, process and Go runtime metrics, then per-CPU interrupt counters up to
    /// <see cref="Series"/> samples. Counters advance with <paramref name="n"/>; values of a million or more are
    /// written as Go's client writes them (1.5e+06). bench/target-scrape/exporter.py serves the same recipe.
    /// </summary>
    internal static string NodeExporterText(int n)
    {
        var w = new ExpositionWriter();
        string[] modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
        double[] modeRates = [0.70, 0.01, 0.002, 0, 0.02, 0, 0.08, 0.19];
        w.Family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", "counter");
        for (int cpu = 0; cpu < 32; cpu++)
        {
            for (int m = 0; m < modes.Length; m++)
            {
                w.Sample("node_cpu_seconds_total", $"{{cpu=\"{cpu}\",mode=\"{modes[m]}\"}}", (m == 0 ? 1_000_000 : 0) + (5000 * m) + (37 * cpu) + (modeRates[m] * n));
            }
        }

        w.Family("node_cpu_guest_seconds_total", "Seconds the CPUs spent in guests (VMs) for each mode.", "counter");
        for (int cpu = 0; cpu < 32; cpu++)
        {
            w.Sample("node_cpu_guest_seconds_total", $"{{cpu=\"{cpu}\",mode=\"nice\"}}", 0);
            w.Sample("node_cpu_guest_seconds_total", $"{{cpu=\"{cpu}\",mode=\"user\"}}", 0);
        }

        string[] memory =
        [
            "Active", "Active_anon", "Active_file", "AnonHugePages", "AnonPages", "Bounce", "Buffers", "Cached", "CommitLimit", "Committed_AS",
            "DirectMap1G", "DirectMap2M", "DirectMap4k", "Dirty", "FileHugePages", "HardwareCorrupted", "Hugepagesize", "Inactive", "Inactive_anon", "Inactive_file",
            "KernelStack", "Mapped", "MemAvailable", "MemFree", "MemTotal", "Mlocked", "NFS_Unstable", "PageTables", "Percpu", "SReclaimable",
            "SUnreclaim", "Shmem", "ShmemHugePages", "Slab", "SwapCached", "SwapFree", "SwapTotal", "Unevictable", "VmallocTotal", "Writeback",
        ];
        for (int i = 0; i < memory.Length; i++)
        {
            string name = $"node_memory_{memory[i]}_bytes";
            w.Family(name, $"Memory information field {memory[i]}_bytes.", "gauge");
            w.Sample(name, string.Empty, memory[i] switch
            {
                "MemTotal" => 68_719_476_736,
                "MemAvailable" => 40_000_000_000 - (1_048_576.0 * (n % 100)),
                _ => (1_048_576.0 * 37 * (i + 1)) + (4096 * (n % 50)),
            });
        }

        string[] netDevices = ["lo", "eth0", "eth1", "eth2", "eth3", "eth4", "eth5", "eth6"];
        string[] netCounters = ["receive_bytes", "receive_packets", "receive_errs", "receive_drop", "transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop"];
        foreach (string counter in netCounters)
        {
            string name = $"node_network_{counter}_total";
            w.Family(name, $"Network device statistic {counter}.", "counter");
            double rate = counter.EndsWith("_bytes", StringComparison.Ordinal) ? 1_250_000 : counter.EndsWith("_packets", StringComparison.Ordinal) ? 1000 : counter.EndsWith("_drop", StringComparison.Ordinal) ? 0.01 : 0;
            for (int d = 0; d < netDevices.Length; d++)
            {
                w.Sample(name, $"{{device=\"{netDevices[d]}\"}}", (rate * 3600 * (d + 1)) + (rate * (d + 1) * n));
            }
        }

        w.Family("node_network_speed_bytes", "Network device property: speed_bytes.", "gauge");
        for (int d = 1; d < netDevices.Length; d++)
        {
            w.Sample("node_network_speed_bytes", $"{{device=\"{netDevices[d]}\"}}", 1_250_000_000);
        }

        foreach (string gauge in (string[])["node_network_up", "node_network_mtu_bytes"])
        {
            w.Family(gauge, $"Network device property: {gauge[13..]}.", "gauge");
            for (int d = 0; d < netDevices.Length; d++)
            {
                w.Sample(gauge, $"{{device=\"{netDevices[d]}\"}}", gauge == "node_network_up" ? 1 : d == 0 ? 65536 : 9001);
            }
        }

        string[] disks = ["nvme0n1", "nvme1n1", "nvme2n1", "nvme3n1", "sda", "sdb", "sdc", "sdd", "loop0", "loop1", "loop2", "loop3", "loop4", "loop5", "loop6", "loop7"];
        string[] diskCounters = ["reads_completed", "reads_merged", "read_bytes", "read_time_seconds", "writes_completed", "writes_merged", "written_bytes", "write_time_seconds", "io_time_seconds", "io_time_weighted_seconds"];
        for (int c = 0; c < diskCounters.Length; c++)
        {
            string name = $"node_disk_{diskCounters[c]}_total";
            w.Family(name, $"Disk statistic {diskCounters[c]}.", "counter");
            for (int d = 0; d < disks.Length; d++)
            {
                double rate = diskCounters[c].EndsWith("_bytes", StringComparison.Ordinal) ? 4_194_304 : diskCounters[c].EndsWith("_seconds", StringComparison.Ordinal) ? 0.05 * ((d % 4) + 1) : 100;
                w.Sample(name, $"{{device=\"{disks[d]}\"}}", (rate * 86_400) + (rate * n) + c);
            }
        }

        w.Family("node_disk_io_now", "The number of I/Os currently in progress.", "gauge");
        for (int d = 0; d < disks.Length; d++)
        {
            w.Sample("node_disk_io_now", $"{{device=\"{disks[d]}\"}}", (n + d) % 3);
        }

        foreach (string gauge in (string[])["avail_bytes", "free_bytes", "size_bytes", "files", "files_free", "readonly"])
        {
            string name = $"node_filesystem_{gauge}";
            w.Family(name, $"Filesystem {gauge.Replace('_', ' ')}.", "gauge");
            for (int f = 0; f < 20; f++)
            {
                double value = gauge switch
                {
                    "readonly" => 0,
                    "size_bytes" => 1_099_511_627_776,
                    "files" => 67_108_864,
                    _ => 549_755_813_888 - (4096.0 * f * 1000) - (4096.0 * n),
                };
                w.Sample(name, $"{{device=\"/dev/nvme0n1p{f}\",fstype=\"ext4\",mountpoint=\"/mnt/data{f}\"}}", value);
            }
        }

        foreach ((string prefix, string[] counters) in (ValueTuple<string, string[]>[])[("schedstat", ["running_seconds", "timeslices", "waiting_seconds"]), ("softnet", ["dropped", "processed", "times_squeezed"])])
        {
            foreach (string counter in counters)
            {
                string name = $"node_{prefix}_{counter}_total";
                w.Family(name, $"Per-CPU {prefix} statistic {counter}.", "counter");
                for (int cpu = 0; cpu < 32; cpu++)
                {
                    w.Sample(name, $"{{cpu=\"{cpu}\"}}", (10_000.0 * (cpu + 1)) + (counter == "dropped" ? 0 : 97.5 * n));
                }
            }
        }

        string[] handlers = ["/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/api/v1/labels", "/api/v1/targets", "/api/v1/rules", "/api/v1/alerts", "/metrics", "/-/healthy", "/-/ready"];
        Histogram(w, n, "http_request_duration_seconds", "Latency of HTTP requests.", handlers.Select(h => $"handler=\"{h}\",method=\"GET\","));
        string[] methods = ["ModelInfer", "ModelMetadata", "ModelReady", "ServerLive", "ServerReady", "ModelStatistics"];
        Histogram(w, n, "grpc_server_handling_seconds", "Response latency of gRPC calls handled by the server.", methods.Select(m => $"grpc_method=\"{m}\",grpc_service=\"inference.GRPCInferenceService\",grpc_type=\"unary\","));

        w.Family("go_gc_duration_seconds", "A summary of the pause duration of garbage collection cycles.", "summary");
        foreach (string q in (string[])["0", "0.25", "0.5", "0.75", "1"])
        {
            w.Sample("go_gc_duration_seconds", $"{{quantile=\"{q}\"}}", 2.1e-05 * (1 + double.Parse(q, CultureInfo.InvariantCulture)));
        }

        w.Sample("go_gc_duration_seconds_sum", string.Empty, 0.5 + (0.0001 * n));
        w.Sample("go_gc_duration_seconds_count", string.Empty, 10_000 + (3 * n));
        w.Family("go_goroutines", "Number of goroutines that currently exist.", "gauge");
        w.Sample("go_goroutines", string.Empty, 9 + (n % 3));
        w.Family("go_info", "Information about the Go environment.", "gauge");
        w.Sample("go_info", "{version=\"go1.22.5\"}", 1);
        string[] memstats =
        [
            "alloc_bytes", "alloc_bytes_total", "buck_hash_sys_bytes", "frees_total", "gc_sys_bytes", "heap_alloc_bytes", "heap_idle_bytes", "heap_inuse_bytes",
            "heap_objects", "heap_released_bytes", "heap_sys_bytes", "last_gc_time_seconds", "lookups_total", "mallocs_total", "mcache_inuse_bytes", "mcache_sys_bytes",
            "mspan_inuse_bytes", "mspan_sys_bytes", "next_gc_bytes", "other_sys_bytes", "stack_inuse_bytes", "stack_sys_bytes", "sys_bytes",
        ];
        for (int i = 0; i < memstats.Length; i++)
        {
            string name = $"go_memstats_{memstats[i]}";
            bool counter = name.EndsWith("_total", StringComparison.Ordinal);
            w.Family(name, $"Go runtime memory statistic {memstats[i]}.", counter ? "counter" : "gauge");
            w.Sample(name, string.Empty, counter ? 1e9 + (250_000.0 * n) : (65_536.0 * (i + 1)) + (8 * (n % 64)));
        }

        w.Family("go_threads", "Number of OS threads created.", "gauge");
        w.Sample("go_threads", string.Empty, 12);
        w.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter");
        w.Sample("process_cpu_seconds_total", string.Empty, 5000 + (0.02 * n));
        foreach ((string name, string help, double value) in (ValueTuple<string, string, double>[])
        [
            ("process_max_fds", "Maximum number of open file descriptors.", 1_048_576),
            ("process_open_fds", "Number of open file descriptors.", 12),
            ("process_resident_memory_bytes", "Resident memory size in bytes.", 31_457_280 + (4096 * (n % 16))),
            ("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", 1_764_000_000.25),
            ("process_virtual_memory_bytes", "Virtual memory size in bytes.", 1_300_000_000),
            ("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", 18_446_744_073_709_551_615),
        ])
        {
            w.Family(name, help, "gauge");
            w.Sample(name, string.Empty, value);
        }

        w.Family("node_interrupts_total", "Interrupt details.", "counter");
        for (int i = 0; w.Count < Series; i++)
        {
            int type = i / 32;
            w.Sample("node_interrupts_total", $"{{cpu=\"{i % 32}\",devices=\"nvme0q{type}\",type=\"{type + 24}\"}}", (1000.0 * (i + 1)) + (10.0 * (i % 7) * n));
        }

        return w.ToString();
    }

    // Requests per second of label set s: 10·(s+1); the share under each bound rises to all of them at +Inf.
    private static void Histogram(ExpositionWriter w, int n, string name, string help, IEnumerable<string> labelSets)
    {
        double[] bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
        double[] shares = [0.05, 0.12, 0.3, 0.55, 0.75, 0.9, 0.96, 0.99, 0.997, 0.999, 1];
        w.Family(name, help, "histogram");
        int s = 0;
        foreach (string labels in labelSets)
        {
            double count = (10.0 * (s + 1) * n) + (1000 * (s + 1));
            for (int b = 0; b < bounds.Length; b++)
            {
                w.Sample($"{name}_bucket", string.Create(CultureInfo.InvariantCulture, $"{{{labels}le=\"{bounds[b]}\"}}"), Math.Floor(count * shares[b]));
            }

            w.Sample($"{name}_bucket", $"{{{labels}le=\"+Inf\"}}", count);
            w.Sample($"{name}_sum", $"{{{labels.TrimEnd(',')}}}", count * 0.042);
            w.Sample($"{name}_count", $"{{{labels.TrimEnd(',')}}}", count);
            s++;
        }
    }

    private static SeriesRecognizer NewRecognizer(ITargetSource source) =>
        new(source, [], new HostFacts(localCores: 2, localMemoryBytes: 24.0 * 1024 * 1024 * 1024), _ => { });

    private static int NextIndex(ref int next, ref SeriesRecognizer recognizer, ITargetSource source)
    {
        int i = next;
        next = (next + 1) % Ring;
        if (i == 0)
        {
            recognizer = NewRecognizer(source);
        }

        return i;
    }

    /// <summary>Writes the text format as Go's client library does.</summary>
    private sealed class ExpositionWriter
    {
        private readonly StringBuilder _text = new();

        public int Count { get; private set; }

        public void Family(string name, string help, string type) =>
            _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
                .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        public void Sample(string name, string labels, double value)
        {
            _text.Append(name).Append(labels).Append(' ').Append(Go(value)).Append('\n');
            Count++;
        }

        public override string ToString() => _text.ToString();

        // strconv.FormatFloat(v, 'g', -1, 64): exponent form from 1e+06 up (or under 1e-04), shortest digits otherwise.
        private static string Go(double value)
        {
            double magnitude = Math.Abs(value);
            return value == 0 || (magnitude >= 1e-4 && magnitude < 1e6)
                ? value.ToString("R", CultureInfo.InvariantCulture)
                : value.ToString("0.##############e+00", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A source that is never read: the recognizer only asks it who it is.</summary>
    private sealed class FakeSource : ITargetSource
    {
        public string Name => "node";

        public string Address => "http://10.0.0.7:9100/metrics";

        public string Kind => "prometheus";

        public bool IsLocal => false;

        public string HostKey => "10.0.0.7";

        public Task<SourceReading> ReadAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// A minimal HTTP/1.1 exporter on 127.0.0.1: one kept-alive connection at a time, answering each request with
    /// the next pre-built response of the ring from its own thread, so it allocates nothing per request.
    /// </summary>
    private sealed class LoopbackExporter : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly byte[][] _responses;
        private readonly Thread _thread;
        private volatile bool _stopping;

        public LoopbackExporter(string[] bodies)
        {
            _responses = new byte[bodies.Length][];
            for (int i = 0; i < bodies.Length; i++)
            {
                byte[] body = Encoding.UTF8.GetBytes(bodies[i]);
                byte[] head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n"));
                _responses[i] = [.. head, .. body];
            }

            _listener.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/metrics");
            _thread = new Thread(Serve) { IsBackground = true, Name = "loopback exporter" };
            _thread.Start();
        }

        public Uri Url { get; }

        public void Dispose()
        {
            _stopping = true;
            _listener.Stop();
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        private void Serve()
        {
            byte[] request = new byte[8192];
            int next = 0;
            while (!_stopping)
            {
                Socket connection;
                try
                {
                    connection = _listener.AcceptSocket();
                }
                catch (SocketException)
                {
                    return;
                }

                using (connection)
                {
                    connection.NoDelay = true;
                    int filled = 0;
                    while (true)
                    {
                        int read;
                        try
                        {
                            read = connection.Receive(request, filled, request.Length - filled, SocketFlags.None);
                        }
                        catch (SocketException)
                        {
                            break;
                        }

                        if (read == 0)
                        {
                            break;
                        }

                        filled += read;
                        // A GET has no body: the request ends at its blank line.
                        int end = request.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
                        if (end < 0)
                        {
                            continue;
                        }

                        try
                        {
                            connection.Send(_responses[next]);
                        }
                        catch (SocketException)
                        {
                            break;
                        }

                        next = (next + 1) % _responses.Length;
                        int rest = filled - (end + 4);
                        request.AsSpan(end + 4, rest).CopyTo(request);
                        filled = rest;
                    }
                }
            }
        }
    }
}
