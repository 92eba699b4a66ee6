using System.Runtime.CompilerServices;

namespace Stampede.Tool.Tests;

/// <summary>Settings of this test process, made before any test runs.</summary>
internal static class TestProcessSettings
{
    /// <summary>
    /// This process runs several test classes at once and hosts the demo server (the model's inference allocates) in
    /// the same heap as the runs against it: a run would count the server's and its neighbours' collections as its
    /// generator's pauses. Runs here are judged on pauses above 250 ms a second, as in Stampede.Tests; the rule at its
    /// default of 50 ms is tested in Stampede.Core.Tests. The key is GeneratorMonitor.GcPauseBoundKey.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => AppContext.SetData("Stampede.GcPauseBoundMs", 250.0);
}
