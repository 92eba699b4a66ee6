namespace Stampede.Monitoring.Prometheus;

/// <summary>A metric family while its exposition is being read: metadata as it is declared, samples as they come.</summary>
/// <param name="name">The family name, interned by the reader.</param>
internal sealed class MetricFamilyBuilder(string name)
{
    /// <summary>The family name.</summary>
    public string Name { get; } = name;

    /// <summary>The declared type; <see cref="MetricType.Untyped"/> until a <c># TYPE</c> line names the family.</summary>
    public MetricType Type { get; set; }

    /// <summary>The line of the family's <c># TYPE</c>, 1-based; 0 while none has been read.</summary>
    public int TypeLine { get; set; }

    /// <summary>The unescaped <c># HELP</c> text, or <see langword="null"/>.</summary>
    public string? Help { get; set; }

    /// <summary>The <c># UNIT</c>, or <see langword="null"/>.</summary>
    public string? Unit { get; set; }

    /// <summary>The samples read so far, in order.</summary>
    public List<MetricSample> Samples { get; } = [];

    /// <summary>Freezes the family.</summary>
    /// <returns>The immutable family.</returns>
    public MetricFamily Build() => new(Name, Type, Help, Unit, Samples.ToArray());
}
