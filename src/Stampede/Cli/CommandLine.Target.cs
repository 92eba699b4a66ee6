using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Stampede.Monitoring;

namespace Stampede.Cli;

/// <summary>The flags that watch the system under test: Prometheus endpoints, local processes and series mappings.</summary>
internal sealed partial class CommandLine
{
    private readonly Option<IReadOnlyList<MetricsEndpoint>> _metricsUrl = new("--metrics-url")
    {
        Description = "Scrape a Prometheus endpoint of the system under test while the load runs, e.g. http://127.0.0.1:9100/metrics or gpu=http://127.0.0.1:9400/metrics; repeat for more. Known series (node_exporter, DCGM, Triton, vLLM, kube-state-metrics, process_*) name the bottleneck.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<TimeSpan> _metricsInterval = new("--metrics-interval") { Description = "How often each --metrics-url and --watch-pid is read (default 1s).", DefaultValueFactory = _ => TimeSpan.FromSeconds(1) };

    private readonly Option<TimeSpan> _metricsTimeout = new("--metrics-timeout") { Description = "How long one scrape may take before it counts as failed (default 2s).", DefaultValueFactory = _ => TimeSpan.FromSeconds(2) };

    private readonly Option<IReadOnlyList<int>> _watchPid = new("--watch-pid")
    {
        Description = "Read the CPU (cores) and resident memory of a local process and its children from /proc every second, e.g. a model server without an exporter; repeat for more.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<IReadOnlyList<SeriesMapping>> _watch = new("--watch")
    {
        Description = "Map a scraped series to a resource: RESOURCE=SERIES[{label=\"v\"}], RESOURCE one of cpu, memory, gpu, gpu-memory, network, disk, queue, concurrency, replicas, e.g. queue=my_queue_depth; repeat for more.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private Option[] TargetOptions => [_metricsUrl, _metricsInterval, _metricsTimeout, _watchPid, _watch];

    private void ConfigureTargetOptions()
    {
        _metricsUrl.CustomParser = r =>
        {
            var endpoints = new List<MetricsEndpoint>();
            foreach (Token token in r.Tokens)
            {
                if (MetricsEndpoint.TryParse(token.Value, out MetricsEndpoint? endpoint, out string? error))
                {
                    endpoints.Add(endpoint!);
                }
                else
                {
                    r.AddError($"--metrics-url: {error}");
                }
            }

            foreach (IGrouping<string, MetricsEndpoint> same in endpoints.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                r.AddError($"--metrics-url: the name '{same.Key}' is given to {same.Count()} sources; name each one, e.g. node=http://…:9100/metrics gpu=http://…:9400/metrics.");
            }

            return endpoints;
        };
        _metricsInterval.CustomParser = r =>
        {
            TimeSpan? value = ParsePositiveDuration(r, "--metrics-interval");
            if (value is { } v && (v < TimeSpan.FromMilliseconds(100) || v > TimeSpan.FromMinutes(5)))
            {
                r.AddError($"--metrics-interval: '{Token(r)}' is not valid; give a duration from 100ms to 5m, e.g. 1s.");
            }

            return value ?? TimeSpan.FromSeconds(1);
        };
        _metricsTimeout.CustomParser = r => ParsePositiveDuration(r, "--metrics-timeout") ?? TimeSpan.FromSeconds(2);
        _watchPid.CustomParser = r =>
        {
            var pids = new List<int>();
            foreach (Token token in r.Tokens)
            {
                if (int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid) && pid > 0)
                {
                    pids.Add(pid);
                }
                else
                {
                    r.AddError($"--watch-pid: '{token.Value}' is not a process id; give the number of a running process, e.g. --watch-pid 4242 (pgrep -f my_server finds it).");
                }
            }

            return pids;
        };
        _watch.CustomParser = r =>
        {
            var mappings = new List<SeriesMapping>();
            foreach (Token token in r.Tokens)
            {
                if (SeriesMapping.TryParse(token.Value, out SeriesMapping? mapping, out string? error))
                {
                    mappings.Add(mapping!);
                }
                else
                {
                    r.AddError($"--watch: {error}");
                }
            }

            return mappings;
        };
    }

    private CliSettings WithTarget(CliSettings settings, ParseResult result) => settings with
    {
        MetricsEndpoints = result.GetValue(_metricsUrl) ?? [],
        MetricsInterval = result.GetValue(_metricsInterval),
        MetricsTimeout = result.GetValue(_metricsTimeout),
        WatchPids = result.GetValue(_watchPid) ?? [],
        Watches = result.GetValue(_watch) ?? [],
    };
}
