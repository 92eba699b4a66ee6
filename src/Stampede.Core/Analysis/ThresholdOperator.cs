namespace Stampede.Analysis;

/// <summary>How a threshold compares the measured value with its limit.</summary>
internal enum ThresholdOperator
{
    /// <summary><c>&lt;</c></summary>
    LessThan,

    /// <summary><c>&lt;=</c></summary>
    LessThanOrEqual,

    /// <summary><c>&gt;</c></summary>
    GreaterThan,

    /// <summary><c>&gt;=</c></summary>
    GreaterThanOrEqual,
}
