namespace Stampede.Analysis;

/// <summary>A spike of offered load.</summary>
/// <param name="Second">The history second it starts in.</param>
/// <param name="Before">The steady load before it.</param>
/// <param name="Level">The load it reached within 2 s.</param>
internal readonly record struct LoadSpike(int Second, double Before, double Level);
