using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Stampede;

/// <summary>One CSV row as a read-only dictionary from column name to value, in column order.</summary>
/// <remarks>Every row of a file shares one <see cref="CsvHeader"/>, so a row costs its values and nothing more.</remarks>
internal sealed class CsvRecord(CsvHeader header, string[] values) : IReadOnlyDictionary<string, string>
{
    public int Count => values.Length;

    public IEnumerable<string> Keys => header.Names;

    public IEnumerable<string> Values => values;

    public string this[string key] => header.Index.TryGetValue(key, out int index)
        ? values[index]
        : throw new KeyNotFoundException($"{header.Source} has no column '{key}'; its columns are {string.Join(", ", header.Names)}.");

    public bool ContainsKey(string key) => header.Index.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (header.Index.TryGetValue(key, out int index))
        {
            value = values[index];
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (int i = 0; i < values.Length; i++)
        {
            yield return new KeyValuePair<string, string>(header.Names[i], values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", this.Select(pair => $"{pair.Key}={pair.Value}"));
}
