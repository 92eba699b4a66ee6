using System.Text.Json;
using nietras.SeparatedValues;

namespace Stampede;

/// <summary>
/// Creates <see cref="Feeder{T}"/>s of test data: rows of a CSV file, values of a JSON-lines file,
/// files of a folder, or any sequence. Everything is read when the feeder is created, so a missing
/// or malformed file fails before the run starts and nothing touches the disk on the request path.
/// </summary>
/// <remarks>Create feeders once, in a static field, and share them across users: that is what makes <see cref="FeederMode.Circular"/> and <see cref="FeederMode.ReadOnce"/> hand out each item across the whole run.</remarks>
public static class Feeders
{
    /// <summary>
    /// Loads a CSV file (RFC 4180: comma-separated, fields quoted with <c>"</c> may hold commas,
    /// line breaks and doubled quotes) whose first row names the columns.
    /// </summary>
    /// <param name="path">The file, UTF-8 (a byte-order mark is skipped).</param>
    /// <param name="mode">How rows are handed out; <see cref="FeederMode.Circular"/> by default.</param>
    /// <returns>A feeder of rows, each a read-only dictionary from column name (case-sensitive) to value, unquoted.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has a header but no rows, repeats a column name, or has a row whose number of fields differs from the header's (the message names the file and line).</exception>
    /// <remarks>Blank lines are skipped. Values are not trimmed.</remarks>
    public static Feeder<IReadOnlyDictionary<string, string>> Csv(string path, FeederMode mode = FeederMode.Circular)
    {
        string fullPath = RequireFile(path);
        var rows = new List<IReadOnlyDictionary<string, string>>();
        try
        {
            using SepReader reader = Sep.New(',').Reader(options => options with { Unescape = true, DisableColCountCheck = true }).FromFile(fullPath);
            if (reader.Header.IsEmpty)
            {
                throw new InvalidDataException($"{fullPath} is empty: a CSV feeder needs a header row naming the columns and at least one row.");
            }

            var header = new CsvHeader(fullPath, [.. reader.Header.ColNames]);
            foreach (SepReader.Row row in reader)
            {
                if (row.ColCount == 1 && row[0].Span.IsEmpty)
                {
                    continue;
                }

                if (row.ColCount != header.Names.Length)
                {
                    throw new InvalidDataException(
                        $"{fullPath}:{row.LineNumberFrom}: the row has {row.ColCount} fields but the header names {header.Names.Length} columns ({string.Join(", ", header.Names)}).");
                }

                var values = new string[row.ColCount];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = row[i].ToString();
                }

                rows.Add(new CsvRecord(header, values));
            }
        }
        catch (Exception e) when (e is not InvalidDataException and not IOException and not UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{fullPath} is not a valid CSV file: {e.Message}", e);
        }

        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{fullPath} has a header row but no data rows: a CSV feeder needs at least one.");
        }

        return new Feeder<IReadOnlyDictionary<string, string>>([.. rows], mode, fullPath);
    }

    /// <summary>Loads a JSON-lines file: one JSON value (usually an object) per line.</summary>
    /// <param name="path">The file, UTF-8 (a byte-order mark is skipped).</param>
    /// <param name="mode">How values are handed out; <see cref="FeederMode.Circular"/> by default.</param>
    /// <returns>A feeder of parsed values, each independent of the file (safe to keep).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is not exactly one JSON value (the message names the file and the 1-based line number), or the file has no values.</exception>
    /// <remarks>Blank lines are skipped. Send a value as a body with <c>JsonContent.Create(element)</c> or <c>new StringContent(element.GetRawText(), Encoding.UTF8, "application/json")</c>.</remarks>
    public static Feeder<JsonElement> JsonLines(string path, FeederMode mode = FeederMode.Circular)
    {
        string fullPath = RequireFile(path);
        var values = new List<JsonElement>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(fullPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                values.Add(document.RootElement.Clone());
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{fullPath}:{lineNumber}: the line is not one JSON value ({e.Message})", e);
            }
        }

        if (values.Count == 0)
        {
            throw new InvalidDataException($"{fullPath} is empty: a JSON-lines feeder needs at least one line with a JSON value.");
        }

        return new Feeder<JsonElement>([.. values], mode, fullPath);
    }

    /// <summary>Loads every file of a folder that matches <paramref name="searchPattern"/> (not subfolders), in ordinal order of name.</summary>
    /// <param name="path">The folder.</param>
    /// <param name="searchPattern">A file-name pattern with <c>*</c> and <c>?</c>, such as <c>*.jpg</c>; <c>*</c> (every file) by default.</param>
    /// <param name="mode">How files are handed out; <see cref="FeederMode.Circular"/> by default.</param>
    /// <returns>A feeder of files, each with its bytes already in memory.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No file in the folder matches the pattern.</exception>
    /// <remarks>Every file is held in memory for the whole run: a folder of 1,000 phone photos costs about 3 GB.</remarks>
    public static Feeder<FeederFile> Folder(string path, string searchPattern = "*", FeederMode mode = FeederMode.Circular)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(searchPattern);
        string fullPath = Path.GetFullPath(path);
        if (!Directory.Exists(fullPath))
        {
            throw new DirectoryNotFoundException($"The feeder folder {fullPath} does not exist.");
        }

        string[] files = Directory.GetFiles(fullPath, searchPattern, SearchOption.TopDirectoryOnly);
        if (files.Length == 0)
        {
            throw new InvalidDataException($"The feeder folder {fullPath} has no file matching '{searchPattern}'.");
        }

        Array.Sort(files, StringComparer.Ordinal);
        var items = new FeederFile[files.Length];
        for (int i = 0; i < files.Length; i++)
        {
            items[i] = new FeederFile(files[i], File.ReadAllBytes(files[i]));
        }

        return new Feeder<FeederFile>(items, mode, Path.Combine(fullPath, searchPattern));
    }

    /// <summary>A feeder over items already in memory (generated prompts, ids, a list of <see cref="ImagePool"/>s).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items, copied when the feeder is created; at least one.</param>
    /// <param name="mode">How items are handed out; <see cref="FeederMode.Circular"/> by default.</param>
    /// <returns>The feeder.</returns>
    /// <exception cref="ArgumentException"><paramref name="items"/> is empty.</exception>
    public static Feeder<T> From<T>(IEnumerable<T> items, FeederMode mode = FeederMode.Circular)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new Feeder<T>([.. items], mode, $"a sequence of {typeof(T).Name}");
    }

    private static string RequireFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"The feeder file {fullPath} does not exist.", fullPath);
        }

        return fullPath;
    }
}
