using Stampede.Cluster;
using Stampede.Monitoring;

namespace Stampede.Core.Tests.Cluster;

/// <summary>A distributed run's generator health: the worst agent's, and a second bound when any agent was bound in it.</summary>
public sealed class ClusterHealthTests
{
    [Fact]
    public void JudgeSecond_OneAgentBound_TheSecondIsBoundNamingTheAgent()
    {
        var health = new ClusterHealth(90);
        health.Report("gen-1", new GeneratorHealth { PeakCpuPercent = 40, AverageCpuPercent = 30, ProcessorCount = 2 }, [Sample(1, 40, 3)], []);
        health.Report("gen-2", new GeneratorHealth { PeakCpuPercent = 95, AverageCpuPercent = 60, ProcessorCount = 4, BoundReasons = ["CPU above 90%"] }, [Sample(1, 95, 70)], []);
        health.NoteBound("gen-2", 0);

        bool second0 = health.JudgeSecond(0, null);
        bool second1 = health.JudgeSecond(1, null);
        GeneratorHealth current = health.Current;

        second0.ShouldBeTrue();
        second1.ShouldBeFalse();
        current.BoundSinceSecond.ShouldBe(0);
        current.BoundSeconds.ShouldBe(1);
        current.BoundReasons.ShouldBe(["gen-2: CPU above 90%"]);
        current.PeakCpuPercent.ShouldBe(95);
        current.ProcessorCount.ShouldBe(4);
        current.Samples.ShouldHaveSingleItem().ShouldBe(Sample(1, 95, 70), "each second's sample is the worst agent's in each respect");
    }

    [Fact]
    public void Report_AgentWarnings_AreRaisedWithTheAgentsName()
    {
        var health = new ClusterHealth(90);
        var raised = new List<GeneratorWarning>();
        health.WarningRaised += raised.Add;

        health.Report("gen-3", new GeneratorHealth(), [], [new GeneratorWarning(TimeSpan.FromSeconds(4), "The garbage collector paused the generator for 80 ms")]);

        raised.ShouldHaveSingleItem().Message.ShouldBe("gen-3: The garbage collector paused the generator for 80 ms");
        health.Current.Warnings.ShouldHaveSingleItem().At.ShouldBe(TimeSpan.FromSeconds(4));
    }

    private static GeneratorSample Sample(long second, double cpu, double gcMs) => new(second, cpu, gcMs, 1, 0, 0, 0, 8, 1000);
}
