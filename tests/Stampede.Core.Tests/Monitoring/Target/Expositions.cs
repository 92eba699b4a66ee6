using System.Globalization;
using System.Text;
using Stampede.Monitoring.Prometheus;
using Stampede.Core.Tests.Monitoring.Prometheus;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>Expositions for the recognition tests: the parser's fixtures, later scrapes of them, and the demo server's families.</summary>
internal static class Expositions
{
    public static Exposition Parse(string text) => ExpositionParser.Parse(text);

    public static string Fixture(string name) => PrometheusFixtures.Read(name);

    /// <summary>
    /// The text of a later scrape: each series (written exactly as its line starts, labels included) advanced by its delta.
    /// Fails when a series is not in the text, so a fixture edit cannot silently turn a test into a no-op.
    /// </summary>
    public static string Advance(string text, params (string Series, double Delta)[] changes)
    {
        string[] lines = text.Split('\n');
        foreach ((string series, double delta) in changes)
        {
            int index = Array.FindIndex(lines, l => l.StartsWith(series + " ", StringComparison.Ordinal));
            index.ShouldBeGreaterThanOrEqualTo(0, $"the text has no series {series}");
            string value = lines[index][(series.Length + 1)..].Split(' ')[0];
            double before = double.Parse(value, CultureInfo.InvariantCulture);
            lines[index] = series + " " + (before + delta).ToString("R", CultureInfo.InvariantCulture);
        }

        return string.Join('\n', lines);
    }

    /// <summary>The families the demo server writes (src/Stampede.DemoServer/Telemetry/DemoServerMetrics.cs), with the values given.</summary>
    /// <param name="queue">stampede_demo_queue_length, requests.</param>
    /// <param name="capacity">stampede_demo_queue_capacity, requests.</param>
    /// <param name="busy">stampede_demo_workers_busy.</param>
    /// <param name="ready">stampede_demo_workers_ready.</param>
    /// <param name="current">stampede_demo_workers_current.</param>
    /// <param name="queueStageBuckets">Cumulative counts of the queue stage's buckets le = 0.001, 0.002, 0.004, 0.008, +Inf (seconds).</param>
    /// <param name="cpuSeconds">process_cpu_seconds_total, seconds.</param>
    public static string Demo(double queue, double capacity, double busy, double ready, double current, double[] queueStageBuckets, double cpuSeconds = 12.5)
    {
        string[] bounds = ["0.001", "0.002", "0.004", "0.008", "+Inf"];
        var text = new StringBuilder();
        text.Append("# HELP stampede_demo_requests_total HTTP requests answered, by route (endpoint) and status code.\n")
            .Append("# TYPE stampede_demo_requests_total counter\n")
            .Append("stampede_demo_requests_total{endpoint=\"/predict\",status=\"200\"} 420\n");
        Gauge(text, "stampede_demo_queue_length", queue);
        Gauge(text, "stampede_demo_queue_capacity", capacity);
        Gauge(text, "stampede_demo_workers_busy", busy);
        Gauge(text, "stampede_demo_workers_current", current);
        Gauge(text, "stampede_demo_workers_ready", ready);
        text.Append("# HELP stampede_demo_stage_duration_seconds Time per processing stage of an inference request (seconds).\n")
            .Append("# TYPE stampede_demo_stage_duration_seconds histogram\n");
        for (int i = 0; i < bounds.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"stampede_demo_stage_duration_seconds_bucket{{stage=\"queue\",le=\"{bounds[i]}\"}} {queueStageBuckets[i]}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"stampede_demo_stage_duration_seconds_sum{{stage=\"queue\"}} 1.5\n")
            .Append(CultureInfo.InvariantCulture, $"stampede_demo_stage_duration_seconds_count{{stage=\"queue\"}} {queueStageBuckets[^1]}\n");

        // Another stage, all slow: it must not leak into the queue's p95.
        for (int i = 0; i < bounds.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"stampede_demo_stage_duration_seconds_bucket{{stage=\"inference\",le=\"{bounds[i]}\"}} {(i == bounds.Length - 1 ? cpuSeconds * 100 : 0)}\n");
        }

        text.Append("# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n")
            .Append("# TYPE process_cpu_seconds_total counter\n")
            .Append(CultureInfo.InvariantCulture, $"process_cpu_seconds_total {cpuSeconds}\n");
        Gauge(text, "process_resident_memory_bytes", 512 * 1024 * 1024);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} A demo gauge.\n# TYPE {name} gauge\n{name} {value}\n");
}
