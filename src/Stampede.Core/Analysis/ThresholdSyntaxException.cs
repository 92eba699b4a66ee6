namespace Stampede.Analysis;

/// <summary>A threshold expression that does not follow the threshold language (see <see cref="Threshold"/>).</summary>
/// <remarks>
/// The message quotes the expression and points at the bad part with a caret, e.g.
/// <code>
/// Invalid threshold at column 8: unknown unit 'xs'; expected ms, s, us or µs.
///   p95&lt;300xs
///          ^
/// </code>
/// </remarks>
public sealed class ThresholdSyntaxException : FormatException
{
    /// <summary>Creates the exception for <paramref name="expression"/>, failing at <paramref name="position"/>.</summary>
    /// <param name="expression">The whole expression as written.</param>
    /// <param name="position">0-based index of the first offending character.</param>
    /// <param name="problem">What is wrong and what was expected there.</param>
    public ThresholdSyntaxException(string expression, int position, string problem)
        : base(Describe(expression, position, problem))
    {
        Expression = expression;
        Position = position;
        Problem = problem;
    }

    /// <summary>Creates an exception with a message only; prefer the constructor that names the position.</summary>
    public ThresholdSyntaxException()
        : this(string.Empty, 0, "the expression is malformed")
    {
    }

    /// <summary>Creates an exception with a message only; prefer the constructor that names the position.</summary>
    /// <param name="message">The message.</param>
    public ThresholdSyntaxException(string message)
        : base(message)
    {
        Expression = string.Empty;
        Problem = message;
    }

    /// <summary>Creates an exception with a message and a cause; prefer the constructor that names the position.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ThresholdSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Expression = string.Empty;
        Problem = message;
    }

    /// <summary>The expression as written.</summary>
    public string Expression { get; }

    /// <summary>0-based index in <see cref="Expression"/> of the first offending character.</summary>
    public int Position { get; }

    /// <summary>What is wrong and what was expected, without the expression.</summary>
    public string Problem { get; }

    private static string Describe(string expression, int position, string problem)
    {
        // Tabs would shift the caret; show them as spaces.
        string shown = (expression ?? string.Empty).Replace('\t', ' ');
        int column = Math.Clamp(position, 0, shown.Length);
        return $"Invalid threshold at column {column + 1}: {problem}.\n  {shown}\n  {new string(' ', column)}^";
    }
}
