using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;
using Stampede.Reports;
using Stampede.Tests.Reports;

namespace Stampede.Tests.Analysis;

/// <summary>
/// A synthetic soak, recorded through the real aggregator on a fake clock: <c>POST predict</c> 5 requests a second
/// at <c>latencyMs(second)</c> and <c>GET /health</c> 2 a second at a flat 2 ms, optionally with a watched memory
/// series, and the drift analysis of it as <see cref="LoadTest"/> makes it.
/// </summary>
internal static class DriftRun
{
    /// <summary>A run of <paramref name="seconds"/> whose <c>POST predict</c> takes <paramref name="latencyMs"/> in each second.</summary>
    public static RunReport Build(int seconds, Func<int, double> latencyMs, bool soak, Func<int, double?>? memoryBytes = null, int exitCode = 0)
    {
        var builder = new RunReportBuilder().WithUsers(4);
        for (int s = 0; s < seconds; s++)
        {
            for (int i = 0; i < 5; i++)
            {
                builder.Request("POST", "predict", TimeSpan.FromSeconds(s + ((i + 0.5) / 5)), TimeSpan.FromMilliseconds(latencyMs(s)));
            }

            for (int i = 0; i < 2; i++)
            {
                builder.Request("GET", "/health", TimeSpan.FromSeconds(s + ((i + 0.25) / 2)), TimeSpan.FromMilliseconds(2));
            }
        }

        RunReport report = builder.Build(TimeSpan.FromSeconds(seconds), exitCode);
        StatsSnapshot stats = report.Result.Stats;
        if (memoryBytes is not null)
        {
            stats = stats with
            {
                Target = new TargetSnapshot
                {
                    Sources = [new TargetSourceStats { Name = "demo", Address = "http://127.0.0.1:8080/metrics", Kind = "prometheus", Scrapes = seconds, Up = true }],
                    Series =
                    [
                        new TargetSeries
                        {
                            Source = "demo",
                            Name = "process_resident_memory_bytes",
                            Resource = TargetResource.Memory,
                            Unit = "bytes",
                            Kind = "gauge",
                            Description = "Resident memory of the server process",
                            Values = [.. Enumerable.Range(0, seconds).Select(memoryBytes)],
                        },
                    ],
                },
            };
        }

        var options = new LoadTestOptions { Soak = soak };
        return report with
        {
            Result = report.Result with
            {
                Stats = stats,
                Bottleneck = BottleneckAnalyzer.Analyze(stats, options),
                Drift = DriftAnalyzer.Analyze(stats, options),
            },
        };
    }

    /// <summary>A linear rise: <paramref name="baseMs"/> plus <paramref name="perMinuteMs"/> a minute.</summary>
    public static Func<int, double> Rising(double baseMs, double perMinuteMs) => s => baseMs + (perMinuteMs * s / 60);
}
