namespace Stampede.Load;

/// <summary>
/// Decides, once a second, how many users should run and how fast to get there (Locust's
/// <c>LoadTestShape</c>). Return <see langword="null"/> to end the run.
/// </summary>
/// <remarks>Pass a subclass to <c>StampedeApp.RunAsync</c> beside the user classes, or set <see cref="LoadTestOptions.Shape"/>.</remarks>
public abstract class LoadShape
{
    /// <summary>The target for the coming second, or <see langword="null"/> to stop the run.</summary>
    public abstract LoadTarget? Tick(LoadShapeContext context);
}

/// <summary>How many users to run and how fast to start or stop users to reach that number.</summary>
/// <param name="Users">Target number of users, at least 0.</param>
/// <param name="SpawnRate">Users started (or stopped) per second on the way to the target, above 0; fractional allowed.</param>
public readonly record struct LoadTarget(int Users, double SpawnRate);

/// <summary>What a shape sees when it ticks.</summary>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Users">Users running now.</param>
public readonly record struct LoadShapeContext(TimeSpan Elapsed, int Users);

/// <summary>One step of a staged run: ramp to <paramref name="Users"/> at <paramref name="SpawnRate"/> users/s and hold until the stage's <paramref name="Duration"/> has passed.</summary>
/// <param name="Duration">Length of this stage (stages follow one another, as in k6).</param>
/// <param name="Users">Target users during the stage.</param>
/// <param name="SpawnRate">Users per second while ramping toward the target.</param>
public sealed record Stage(TimeSpan Duration, int Users, double SpawnRate);

/// <summary>A shape given as a list of stages; the run ends after the last one.</summary>
public abstract class StagesShape : LoadShape
{
    /// <summary>The stages in order.</summary>
    public abstract IReadOnlyList<Stage> Stages { get; }

    /// <inheritdoc/>
    public sealed override LoadTarget? Tick(LoadShapeContext context)
    {
        TimeSpan end = TimeSpan.Zero;
        foreach (Stage stage in Stages)
        {
            end += stage.Duration;
            if (context.Elapsed < end)
            {
                return new LoadTarget(stage.Users, stage.SpawnRate);
            }
        }

        return null;
    }
}

/// <summary>The built-in shapes.</summary>
public static class LoadShapes
{
    /// <summary>A fixed number of users started at <paramref name="spawnRate"/> users/s, until the run time ends.</summary>
    public static LoadShape Constant(int users, double spawnRate) => new ConstantShape(new LoadTarget(users, spawnRate));

    /// <summary>The given stages, one after another; the run ends after the last.</summary>
    public static LoadShape Stages(params IReadOnlyList<Stage> stages) => new ListStagesShape(stages);

    /// <summary>A shape from a function of the elapsed time and current users.</summary>
    public static LoadShape Custom(Func<LoadShapeContext, LoadTarget?> tick) => new DelegateShape(tick);

    private sealed class ConstantShape(LoadTarget target) : LoadShape
    {
        public override LoadTarget? Tick(LoadShapeContext context) => target;
    }

    private sealed class ListStagesShape(IReadOnlyList<Stage> stages) : StagesShape
    {
        public override IReadOnlyList<Stage> Stages { get; } = stages;
    }

    private sealed class DelegateShape(Func<LoadShapeContext, LoadTarget?> tick) : LoadShape
    {
        public override LoadTarget? Tick(LoadShapeContext context) => tick(context);
    }
}
