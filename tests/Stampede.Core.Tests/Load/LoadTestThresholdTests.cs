using Microsoft.Extensions.Time.Testing;
using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;

namespace Stampede.Core.Tests.Load;

/// <summary>Thresholds in <see cref="LoadTestOptions"/>, on a fake clock: measured at the end, and an <c>abort</c> one stopping the run.</summary>
public sealed class LoadTestThresholdTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task RunAsync_AbortThresholdFails_StopsAfterItsGraceAndReportsEveryThreshold()
    {
        var options = new LoadTestOptions
        {
            Rate = 10,
            RunTime = TimeSpan.FromSeconds(60),
            Seed = 1,
            Thresholds = [Threshold.Parse("p95<300ms abort after 2s"), Threshold.Parse("rps>=5"), Threshold.Parse("error_rate<1%")],
        };
        using var test = new LoadTest(options, [typeof(SlowRecordingUser)], _time);

        RunResult result = await RunToEndAsync(test);

        result.StopReason.ShouldBe(StopReason.ThresholdAborted);
        result.Stats.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
        result.Stats.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4)); // the first snapshot after the grace period
        result.AbortedBy.ShouldHaveSingleItem().Threshold.ShouldBeSameAs(options.Thresholds[0]);
        result.Thresholds.Select(t => t.Outcome).ShouldBe([CheckOutcome.Failed, CheckOutcome.Passed, CheckOutcome.Passed]);
        result.Thresholds[0].Measured.ShouldNotBeNull().ShouldBe(500, 1); // every request took 500 ms
        result.ThresholdsPassed.ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_PassingThresholds_RunToTheEnd()
    {
        var options = new LoadTestOptions
        {
            Rate = 10,
            RunTime = TimeSpan.FromSeconds(3),
            Seed = 1,
            Thresholds = [Threshold.Parse("p95<1s abort"), Threshold.Parse("requests>=25")],
        };
        using var test = new LoadTest(options, [typeof(SlowRecordingUser)], _time);

        RunResult result = await RunToEndAsync(test);

        result.StopReason.ShouldBe(StopReason.RunTimeElapsed);
        result.AbortedBy.ShouldBeEmpty();
        result.ThresholdsPassed.ShouldBeTrue(string.Join("; ", result.Thresholds));
    }

    [Fact]
    public void Validate_NullThreshold_NamesTheOption()
    {
        var options = new LoadTestOptions { Thresholds = [null!] };

        Should.Throw<ArgumentException>(options.Validate).ParamName.ShouldBe(nameof(LoadTestOptions.Thresholds));
    }

    private async Task<RunResult> RunToEndAsync(LoadTest test)
    {
        Task<RunResult> run = test.RunAsync();
        for (double moved = 0; !run.IsCompleted; moved += 0.01)
        {
            if (moved > 90)
            {
                throw new TimeoutException("the run did not end within 90 s of fake time.");
            }

            await Task.Delay(3);
            if (!run.IsCompleted)
            {
                _time.Advance(TimeSpan.FromSeconds(0.01));
            }
        }

        return await run;
    }

    /// <summary>Records one 500 ms request per iteration, ending now on the run's clock.</summary>
    internal sealed class SlowRecordingUser : User
    {
        [Task]
        public Task Predict()
        {
            long now = Context.Time.GetTimestamp();
            long start = now - (Context.Time.TimestampFrequency / 2);
            var sample = new RequestSample(Context.Recorder.GetRowId("GET", "predict"), 0, statusCode: 200, intendedStart: start, start: start, firstByte: start, end: now, 0, 0);
            Context.Recorder.Record(in sample);
            return Task.CompletedTask;
        }
    }
}
