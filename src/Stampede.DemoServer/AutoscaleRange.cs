using System.Globalization;

namespace Stampede.Demo;

/// <summary>
/// The smallest and largest number of inference workers the demo server's autoscaler may run.
/// </summary>
/// <remarks>Written and parsed as <c>min:max</c>, for example <c>1:4</c>
/// (see <see cref="DemoServerOptions.TryParseAutoscale(string?, out AutoscaleRange)"/>).</remarks>
public readonly record struct AutoscaleRange
{
    /// <summary>Creates a range of worker counts.</summary>
    /// <param name="min">Workers the server starts with and never goes below (workers).</param>
    /// <param name="max">Workers the server never goes above (workers).</param>
    public AutoscaleRange(int min, int max)
    {
        Min = min;
        Max = max;
    }

    /// <summary>Workers the server starts with and never scales below.</summary>
    /// <value>A count of workers; valid when at least 1.</value>
    public int Min { get; }

    /// <summary>Workers the server never scales above.</summary>
    /// <value>A count of workers; valid when at least <see cref="Min"/>.</value>
    public int Max { get; }

    /// <summary>Formats the range as <c>min:max</c>.</summary>
    /// <returns>For example <c>1:4</c>.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Min}:{Max}");
}
