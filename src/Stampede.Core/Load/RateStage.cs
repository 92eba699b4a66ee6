namespace Stampede.Load;

/// <summary>
/// One stage of an open-model run: over <paramref name="Duration"/> the arrival rate moves linearly from
/// where the previous stage ended to <paramref name="Rate"/> (k6's ramping-arrival-rate). The first stage
/// starts from the run's steady rate (<c>--rate</c>), or from 0 when that is not set; a stage whose target
/// equals the rate it starts from holds that rate. The run ends after the last stage.
/// </summary>
/// <param name="Duration">Length of the stage; positive.</param>
/// <param name="Rate">Target rate at the end of the stage, iterations per second; 0 or more.</param>
public sealed record RateStage(TimeSpan Duration, double Rate);
