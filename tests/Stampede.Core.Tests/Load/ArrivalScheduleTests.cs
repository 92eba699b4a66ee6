using Stampede.Load;

namespace Stampede.Core.Tests.Load;

public sealed class ArrivalScheduleTests
{
    [Fact]
    public void TryNext_ConstantRate_SpacesArrivalsExactlyOneOverRate()
    {
        var schedule = new ArrivalSchedule(40, [], ArrivalProcess.Constant, 1, new Random(1));

        for (int k = 0; k < 1000; k++)
        {
            schedule.TryNext(out double t).ShouldBeTrue();
            t.ShouldBe(k / 40.0, 1e-9);
        }
    }

    [Theory]
    [InlineData(50.0)]
    [InlineData(1000.0)]
    public void TryNext_Poisson_GapsHaveMeanOneOverRateAndVarianceOneOverRateSquared(double rate)
    {
        const int Count = 200_000;
        double[] gaps = Gaps(new ArrivalSchedule(rate, [], ArrivalProcess.Poisson, 1, new Random(42)), Count);

        (double mean, double variance) = MeanAndVariance(gaps);

        // With 200,000 draws the standard error of the mean is 0.2% and of the variance about 0.5%.
        mean.ShouldBe(1 / rate, 0.01 / rate);
        variance.ShouldBe(1 / (rate * rate), 0.03 / (rate * rate));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(4.0)]
    public void TryNext_GammaBurstiness_KeepsTheMeanAndScalesTheVariance(double burstiness)
    {
        const double Rate = 100;
        double[] gaps = Gaps(new ArrivalSchedule(Rate, [], ArrivalProcess.Poisson, burstiness, new Random(7)), 200_000);

        (double mean, double variance) = MeanAndVariance(gaps);

        // Gamma(shape k, scale 1/(kR)): mean 1/R, variance 1/(k R²).
        mean.ShouldBe(1 / Rate, 0.02 / Rate);
        variance.ShouldBe(1 / (burstiness * Rate * Rate), 0.05 / (burstiness * Rate * Rate));
    }

    [Fact]
    public void TryNext_SameSeed_SameSchedule()
    {
        double[] a = Times(new ArrivalSchedule(20, [], ArrivalProcess.Poisson, 1, new Random(99)), 500);
        double[] b = Times(new ArrivalSchedule(20, [], ArrivalProcess.Poisson, 1, new Random(99)), 500);
        double[] c = Times(new ArrivalSchedule(20, [], ArrivalProcess.Poisson, 1, new Random(100)), 500);

        b.ShouldBe(a);
        c.ShouldNotBe(a);
    }

    [Fact]
    public void TryNext_LinearRamp_CountsPerSecondFollowTheRampsArea()
    {
        // 0 → 100 iterations/s over 10 s, then 100 → 100 for 2 s: second s holds 10s + 5 arrivals while ramping.
        var schedule = new ArrivalSchedule(null, [new RateStage(TimeSpan.FromSeconds(10), 100), new RateStage(TimeSpan.FromSeconds(2), 100)], ArrivalProcess.Constant, 1, new Random(1));
        int[] perSecond = new int[13];

        while (schedule.TryNext(out double t))
        {
            perSecond[(int)Math.Floor(t)]++;
        }

        for (int s = 0; s < 10; s++)
        {
            perSecond[s].ShouldBeInRange((10 * s) + 4, (10 * s) + 6, $"second {s}");
        }

        perSecond[10].ShouldBe(100);
        perSecond[11].ShouldBe(100);
        perSecond[12].ShouldBe(0, "the schedule ends with its last stage");
        perSecond.Sum().ShouldBeInRange(699, 701);
    }

    [Fact]
    public void TryNext_StepBetweenStages_HoldsEachRate()
    {
        var schedule = new ArrivalSchedule(10, [new RateStage(TimeSpan.FromSeconds(2), 10), new RateStage(TimeSpan.Zero, 50), new RateStage(TimeSpan.FromSeconds(2), 50)], ArrivalProcess.Constant, 1, new Random(1));
        int[] perSecond = new int[4];

        while (schedule.TryNext(out double t))
        {
            perSecond[(int)Math.Floor(t)]++;
        }

        perSecond.ShouldBe([10, 10, 50, 50]);
    }

    [Fact]
    public void TryNext_PoissonRamp_CountsMatchTheAreaOnAverage()
    {
        var schedule = new ArrivalSchedule(null, [new RateStage(TimeSpan.FromSeconds(100), 200)], ArrivalProcess.Poisson, 1, new Random(3));
        int firstHalf = 0;
        int secondHalf = 0;

        while (schedule.TryNext(out double t))
        {
            if (t < 50)
            {
                firstHalf++;
            }
            else
            {
                secondHalf++;
            }
        }

        // Areas: 2,500 and 7,500; a Poisson count's standard deviation is its square root (50 and 87).
        firstHalf.ShouldBeInRange(2_300, 2_700);
        secondHalf.ShouldBeInRange(7_150, 7_850);
    }

    [Fact]
    public void TryNext_ZeroRate_HasNoArrivals()
    {
        new ArrivalSchedule(0, [], ArrivalProcess.Constant, 1, new Random(1)).TryNext(out _).ShouldBeFalse();
    }

    private static double[] Times(ArrivalSchedule schedule, int count)
    {
        double[] times = new double[count];
        for (int i = 0; i < count; i++)
        {
            schedule.TryNext(out times[i]).ShouldBeTrue();
        }

        return times;
    }

    private static double[] Gaps(ArrivalSchedule schedule, int count)
    {
        double[] times = Times(schedule, count + 1);
        double[] gaps = new double[count];
        for (int i = 0; i < count; i++)
        {
            gaps[i] = times[i + 1] - times[i];
        }

        return gaps;
    }

    private static (double Mean, double Variance) MeanAndVariance(double[] values)
    {
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, variance);
    }
}
