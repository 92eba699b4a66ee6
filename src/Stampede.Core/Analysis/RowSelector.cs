using Stampede.Metrics;

namespace Stampede.Analysis;

/// <summary>Finds the row a threshold or SLO objective is scoped to.</summary>
internal static class RowSelector
{
    /// <summary>
    /// The row named <paramref name="scope"/> among <paramref name="rows"/>, or <paramref name="total"/>
    /// when <paramref name="scope"/> is <see langword="null"/> (or <c>Aggregated</c>).
    /// </summary>
    /// <remarks>
    /// A scope matches a row's name exactly, or its <c>METHOD name</c>. When one name has several
    /// methods (<c>GET /items</c> and <c>POST /items</c>) the bare name is ambiguous and only the
    /// <c>METHOD name</c> form selects; <paramref name="problem"/> then says so.
    /// </remarks>
    /// <returns>The row, or <see langword="null"/> when none matches; <paramref name="problem"/> says why.</returns>
    public static RowStats? Select(IReadOnlyList<RowStats> rows, RowStats total, string? scope, out string? problem)
    {
        problem = null;
        if (scope is null)
        {
            return total;
        }

        RowStats? byName = null;
        int matches = 0;
        foreach (RowStats row in rows)
        {
            if (string.Equals(row.Key.Name, scope, StringComparison.Ordinal))
            {
                byName = row;
                matches++;
            }
            else if (row.Key.Method.Length > 0 && IsMethodAndName(scope, row.Key))
            {
                return row;
            }
        }

        if (matches == 1)
        {
            return byName;
        }

        if (matches > 1)
        {
            problem = $"\"{scope}\" names {matches} rows with different methods; scope it as \"{byName!.Key.Method} {scope}\"";
            return null;
        }

        if (string.Equals(scope, total.Key.Name, StringComparison.Ordinal))
        {
            return total;
        }

        problem = $"no requests named \"{scope}\"";
        return null;
    }

    private static bool IsMethodAndName(string scope, RowKey key) =>
        scope.Length == key.Method.Length + 1 + key.Name.Length
        && scope.StartsWith(key.Method, StringComparison.Ordinal)
        && scope[key.Method.Length] == ' '
        && scope.EndsWith(key.Name, StringComparison.Ordinal);
}
