using System.Runtime.CompilerServices;
using Stampede.Monitoring;

namespace Stampede.Tests;

/// <summary>Settings of this test process, made before any test runs.</summary>
internal static class TestProcessSettings
{
    /// <summary>
    /// This process runs many test classes at once, and every collection of the shared heap pauses every run in it:
    /// a run would count its neighbours' pauses as its generator's. Runs here are judged on pauses above 250 ms a
    /// second (a generator's own five-fold bound); the rule itself, at its default of 50 ms, is tested in
    /// Stampede.Core.Tests (GcPauseValidityTests), whose process sets nothing.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => AppContext.SetData(GeneratorMonitor.GcPauseBoundKey, 250.0);
}
