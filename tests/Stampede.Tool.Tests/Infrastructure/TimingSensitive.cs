namespace Stampede.Tool.Tests.Infrastructure;

/// <summary>
/// Tests whose verdicts depend on the machine's CPU being theirs (the demo's bottleneck attribution): they run alone,
/// after the parallel tests, so the starter files' compiles and runs do not take the cores the verdict is about.
/// </summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive
{
}
