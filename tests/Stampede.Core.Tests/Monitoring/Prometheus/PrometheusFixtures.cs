namespace Stampede.Core.Tests.Monitoring.Prometheus;

/// <summary>The exposition fixtures copied next to the test assembly (Monitoring/Prometheus/Fixtures).</summary>
internal static class PrometheusFixtures
{
    public static readonly string[] All = ["node_exporter.prom", "dcgm_exporter.prom", "triton.prom", "vllm.prom", "openmetrics.txt"];

    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Monitoring", "Prometheus", "Fixtures", name));
}
