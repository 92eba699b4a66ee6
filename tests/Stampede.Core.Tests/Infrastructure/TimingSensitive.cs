namespace Stampede.Core.Tests.Infrastructure;

/// <summary>
/// Tests whose numbers depend on the generator keeping time (stall arithmetic, schedule accuracy): they run
/// alone, after the parallel tests, so other tests' CPU use does not shift their timestamps.
/// </summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive
{
}
