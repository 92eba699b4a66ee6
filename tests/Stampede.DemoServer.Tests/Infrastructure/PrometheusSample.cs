namespace Stampede.Demo.Tests.Infrastructure;

/// <summary>One sample line of the Prometheus text exposition format: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
