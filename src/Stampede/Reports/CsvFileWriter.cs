using System.Globalization;
using System.Text;

namespace Stampede.Reports;

/// <summary>
/// Writes one CSV file row by row the way Python's <c>csv.writer</c> does with its defaults, which is
/// what Locust uses: comma separated, minimal RFC 4180 quoting, <c>\r\n</c> after every row, UTF-8
/// without a byte-order mark.
/// </summary>
internal sealed class CsvFileWriter : IAsyncDisposable
{
    /// <summary>Python's <c>csv</c> default line terminator; Locust keeps it.</summary>
    public const string LineTerminator = "\r\n";

    private const int FlushThreshold = 64 * 1024;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly StreamWriter _writer;
    private readonly StringBuilder _buffer = new(FlushThreshold + 1024);
    private bool _rowStarted;

    private CsvFileWriter(StreamWriter writer)
    {
        _writer = writer;
    }

    /// <summary>Creates (or truncates) the file at <paramref name="path"/>.</summary>
    public static CsvFileWriter Create(string path)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 4096, useAsync: true);
        return new CsvFileWriter(new StreamWriter(stream, Utf8NoBom));
    }

    /// <summary>Appends a text field, quoted when it holds a comma, a quote or a line break.</summary>
    public CsvFileWriter Text(string? value)
    {
        StartField();
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _buffer.Append(value);
            return this;
        }

        _buffer.Append('"');
        foreach (char c in value)
        {
            if (c == '"')
            {
                _buffer.Append('"');
            }

            _buffer.Append(c);
        }

        _buffer.Append('"');
        return this;
    }

    /// <summary>Appends a count.</summary>
    public CsvFileWriter Count(long value)
    {
        StartField();
        _buffer.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Appends a time in ms (or a mean size in bytes) with up to 3 decimals: microsecond precision, no trailing zeros.</summary>
    public CsvFileWriter Milliseconds(double value)
    {
        StartField();
        _buffer.Append(FormatMilliseconds(value));
        return this;
    }

    /// <summary>Appends a rate, per second, with up to 6 decimals.</summary>
    public CsvFileWriter Rate(double value)
    {
        StartField();
        _buffer.Append(value.ToString("0.######", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Appends a rate, per second, with exactly 6 decimals (Python's <c>f"{rate:2f}"</c>, as Locust's history file has it).</summary>
    public CsvFileWriter FixedRate(double value)
    {
        StartField();
        _buffer.Append(value.ToString("F6", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Ends the current row; writes to the file once enough rows are buffered.</summary>
    public ValueTask EndRowAsync(CancellationToken cancellationToken)
    {
        _buffer.Append(LineTerminator);
        _rowStarted = false;
        return _buffer.Length >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    /// <summary>Writes a whole row of text fields.</summary>
    public ValueTask RowAsync(IEnumerable<string> fields, CancellationToken cancellationToken)
    {
        foreach (string field in fields)
        {
            Text(field);
        }

        return EndRowAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A time in ms with up to 3 decimals (µs), invariant culture: <c>0.412</c>, <c>50.016</c>, <c>12</c>.</summary>
    public static string FormatMilliseconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private void StartField()
    {
        if (_rowStarted)
        {
            _buffer.Append(',');
        }

        _rowStarted = true;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        await _writer.WriteAsync(_buffer, cancellationToken).ConfigureAwait(false);
        _buffer.Clear();
    }
}
