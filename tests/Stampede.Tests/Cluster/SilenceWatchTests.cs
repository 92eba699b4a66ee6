using System.Diagnostics;
using Stampede.Cluster;

namespace Stampede.Tests.Cluster;

/// <summary>An agent's count of its coordinator's silence: only the time it could have listened.</summary>
public sealed class SilenceWatchTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void Tick_OnTime_CountsTheWholeSilence()
    {
        var watch = new SilenceWatch(TimeSpan.FromMilliseconds(200));
        long contact = 1000 * Second;
        TimeSpan silent = TimeSpan.Zero;

        for (int i = 1; i <= 20; i++)
        {
            silent = watch.Tick(contact + (i * Second / 5), contact);
        }

        silent.ShouldBe(TimeSpan.FromSeconds(4), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Tick_AfterAStarvedStretch_LeavesItOut_UntilContactResetsIt()
    {
        var watch = new SilenceWatch(TimeSpan.FromMilliseconds(200));
        long contact = 1000 * Second;
        watch.Tick(contact + (Second / 5), contact);

        // The agent's threads were busy starting users: the next tick comes 5 s late.
        TimeSpan afterStarving = watch.Tick(contact + (Second / 5) + (Second / 5) + (5 * Second), contact);
        TimeSpan onTime = watch.Tick(contact + (Second / 5) + (Second / 5) + (5 * Second) + (Second / 5), contact);
        TimeSpan afterContact = watch.Tick(contact + (5 * Second) + (4 * Second / 5), contact + (5 * Second) + (7 * Second / 10));

        afterStarving.ShouldBe(TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(1), "the 5 s it could not listen are not silence");
        onTime.ShouldBe(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1));
        afterContact.ShouldBe(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1));
    }
}
