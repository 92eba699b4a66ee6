namespace Stampede.Monitoring.Prometheus;

/// <summary>A line of an exposition that was skipped, and why.</summary>
/// <param name="Line">The line number, 1-based.</param>
/// <param name="Message">What was wrong, quoting the start of the line (at most 60 characters).</param>
internal readonly record struct ExpositionWarning(int Line, string Message);
