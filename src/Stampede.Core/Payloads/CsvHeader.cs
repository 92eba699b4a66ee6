namespace Stampede;

/// <summary>The column names of a CSV file and their positions.</summary>
internal sealed class CsvHeader
{
    public CsvHeader(string source, string[] names)
    {
        Source = source;
        Names = names;
        Index = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
            {
                throw new InvalidDataException($"{source}: column {i + 1} of the header row (the first line) has no name; a CSV feeder's first line names every column.");
            }

            if (!Index.TryAdd(names[i], i))
            {
                throw new InvalidDataException($"{source}: the header names the column '{names[i]}' twice (columns {Index[names[i]] + 1} and {i + 1}).");
            }
        }
    }

    public string Source { get; }

    public string[] Names { get; }

    public Dictionary<string, int> Index { get; }
}
