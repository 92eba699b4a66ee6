using System.Text;

namespace Stampede.Monitoring.Prometheus;

/// <summary>The labels of one series: name/value pairs sorted by name (ordinal), compared by value.</summary>
/// <remarks>
/// Immutable. Two sets with the same pairs are equal and hash alike whatever order the pairs were given in, so a set
/// can key a dictionary of series across scrapes. Lookup is a binary search over the sorted pairs.
/// </remarks>
internal sealed class LabelSet : IEquatable<LabelSet>
{
    private readonly KeyValuePair<string, string>[] _pairs;
    private readonly int _hashCode;
    private string? _text;

    /// <summary>Creates a set from pairs in any order.</summary>
    /// <param name="pairs">Label names and values; a name given more than once keeps its last value.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/>, a name or a value is <see langword="null"/>.</exception>
    public LabelSet(IEnumerable<KeyValuePair<string, string>> pairs)
        : this(SortAndDeduplicate(pairs))
    {
    }

    private LabelSet(KeyValuePair<string, string>[] sortedPairs)
    {
        _pairs = sortedPairs;
        _hashCode = ComputeHashCode(sortedPairs);
    }

    /// <summary>The set with no labels.</summary>
    public static LabelSet Empty { get; } = new(Array.Empty<KeyValuePair<string, string>>());

    /// <summary>The pairs, sorted by name (ordinal), each name once.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>The value of a label.</summary>
    /// <param name="name">The label name, for example <c>le</c> or <c>model_name</c> (ordinal comparison).</param>
    /// <returns>The value, or <see langword="null"/> when the set has no label of that name.</returns>
    public string? Get(string name)
    {
        int low = 0;
        int high = _pairs.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int comparison = string.CompareOrdinal(_pairs[middle].Key, name);
            if (comparison == 0)
            {
                return _pairs[middle].Value;
            }

            if (comparison < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    /// <summary>This set less some labels: the series a histogram bucket (<c>le</c>) or a quantile (<c>quantile</c>) belongs to.</summary>
    /// <param name="names">The label names to drop; names the set does not have are ignored.</param>
    /// <returns>The remaining labels; this instance when none was dropped.</returns>
    public LabelSet Without(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        int kept = 0;
        foreach (KeyValuePair<string, string> pair in _pairs)
        {
            if (Array.IndexOf(names, pair.Key) < 0)
            {
                kept++;
            }
        }

        if (kept == _pairs.Length)
        {
            return this;
        }

        if (kept == 0)
        {
            return Empty;
        }

        var remaining = new KeyValuePair<string, string>[kept];
        int next = 0;
        foreach (KeyValuePair<string, string> pair in _pairs)
        {
            if (Array.IndexOf(names, pair.Key) < 0)
            {
                remaining[next++] = pair;
            }
        }

        return new LabelSet(remaining);
    }

    /// <inheritdoc />
    public bool Equals(LabelSet? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._hashCode != _hashCode || other._pairs.Length != _pairs.Length)
        {
            return false;
        }

        for (int i = 0; i < _pairs.Length; i++)
        {
            if (!string.Equals(_pairs[i].Key, other._pairs[i].Key, StringComparison.Ordinal)
                || !string.Equals(_pairs[i].Value, other._pairs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    /// <inheritdoc />
    public override int GetHashCode() => _hashCode;

    /// <summary>The set as Prometheus writes it: <c>{a="x",b="y"}</c>, values escaped (<c>\\</c>, <c>\"</c>, <c>\n</c>); empty for no labels.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => _text ??= Format(_pairs);

    /// <summary>Wraps pairs the caller has already sorted by name (ordinal), each name once; the set takes the array over.</summary>
    /// <param name="sortedPairs">Sorted, unique pairs that nothing else will modify.</param>
    /// <returns>The set.</returns>
    internal static LabelSet FromSorted(KeyValuePair<string, string>[] sortedPairs) =>
        sortedPairs.Length == 0 ? Empty : new LabelSet(sortedPairs);

    private static KeyValuePair<string, string>[] SortAndDeduplicate(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var given = pairs.ToArray();
        foreach (KeyValuePair<string, string> pair in given)
        {
            if (pair.Key is null || pair.Value is null)
            {
                throw new ArgumentNullException(nameof(pairs), "A label name or value is null.");
            }
        }

        // OrderBy is stable, so among pairs of one name the last given comes last.
        var sorted = given.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToArray();
        int unique = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i + 1 < sorted.Length && string.Equals(sorted[i].Key, sorted[i + 1].Key, StringComparison.Ordinal))
            {
                continue;
            }

            sorted[unique++] = sorted[i];
        }

        return unique == sorted.Length ? sorted : sorted[..unique];
    }

    private static int ComputeHashCode(KeyValuePair<string, string>[] pairs)
    {
        var hash = new HashCode();
        foreach (KeyValuePair<string, string> pair in pairs)
        {
            hash.Add(pair.Key, StringComparer.Ordinal);
            hash.Add(pair.Value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    private static string Format(KeyValuePair<string, string>[] pairs)
    {
        if (pairs.Length == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        text.Append('{');
        for (int i = 0; i < pairs.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(pairs[i].Key).Append("=\"");
            foreach (char c in pairs[i].Value)
            {
                _ = c switch
                {
                    '\\' => text.Append("\\\\"),
                    '"' => text.Append("\\\""),
                    '\n' => text.Append("\\n"),
                    _ => text.Append(c),
                };
            }

            text.Append('"');
        }

        return text.Append('}').ToString();
    }
}
