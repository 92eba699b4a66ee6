#:package HdrHistogram@2.5.0
#:property ManagePackageVersionsCentrally=false
// Percentiles of a window of a Stampede run, from its JSON's per-second histograms (exact: the histograms are merged,
// not their percentiles averaged), with the GC pauses of the same seconds: the connection ramp reported apart from the
// steady state (issue 14).
//   dotnet run bench/windows/window.cs -- run.json            # the whole run, seconds 0-2, and second 3 to the end
//   dotnet run bench/windows/window.cs -- run.json 5 30        # seconds 5 to 29 only
using System.Globalization;
using System.Text.Json;
using HdrHistogram;
using HdrHistogram.Utilities;

if (args.Length is not (1 or 3))
{
    Console.Error.WriteLine("usage: window.cs RUN.json [FROM_SECOND TO_SECOND]");
    return 2;
}

using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(args[0]));
JsonElement root = document.RootElement;
JsonElement[] history = [.. root.GetProperty("history").EnumerateArray()];
double[] pauses = [.. root.GetProperty("generator").GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("gcPauseMs").GetDouble())];
(int From, int To)[] windows = args.Length == 3
    ? [(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture))]
    : [(0, history.Length), (0, 3), (3, history.Length)];

Console.WriteLine("| seconds | requests | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | GC pause ms (per second) |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
foreach ((int from, int to) in windows)
{
    HistogramBase? merged = null;
    foreach (JsonElement second in history)
    {
        int at = second.GetProperty("second").GetInt32();
        if (at < from || at >= to || second.GetProperty("aggregated").GetProperty("histogram").GetString() is not { Length: > 0 } text)
        {
            continue;
        }

        HistogramBase histogram = HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(Convert.FromBase64String(text)), 0);
        if (merged is null)
        {
            merged = histogram;
        }
        else
        {
            merged.Add(histogram);
        }
    }

    // A sample closes second k+1 (json-schema.md): the pauses of history second k are samples[k].
    double[] inWindow = [.. pauses.Skip(from).Take(Math.Max(0, to - from))];
    string Ms(double percentile) => merged is null ? "-" : (merged.GetValueAtPercentile(percentile) / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {from}–{to - 1} | {merged?.TotalCount ?? 0:N0} | {Ms(50)} | {Ms(90)} | {Ms(99)} | {Ms(99.9)} | {(merged is null ? "-" : (merged.GetMaxValue() / 1000.0).ToString("0.0", CultureInfo.InvariantCulture))} | {inWindow.Sum():0} in all, {(inWindow.Length == 0 ? 0 : inWindow.Sum() / inWindow.Length):0.0} a second |"));
}

return 0;
