using HdrHistogram;
using Stampede.Metrics;

namespace Stampede.Reports;

internal sealed partial class CsvExporter
{
    private static readonly string[] HistoryColumns =
    [
        "Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s",
        .. PercentileLabels(),
        "Total Request Count", "Total Failure Count", "Total Median Response Time", "Total Average Response Time",
        "Total Min Response Time", "Total Max Response Time", "Total Average Content Size",
    ];

    private static readonly Comparer<RowKey> ByNameThenMethod = Comparer<RowKey>.Create(static (a, b) =>
    {
        int byName = string.CompareOrdinal(a.Name, b.Name);
        return byName != 0 ? byName : string.CompareOrdinal(a.Method, b.Method);
    });

    /// <summary>
    /// One line per one-second interval for the aggregated row (and, with full history, first one per
    /// row seen so far, as Locust does): that interval's rates and percentiles, then the run's totals up
    /// to the end of the interval.
    /// </summary>
    private async Task WriteHistoryAsync(StatsSnapshot stats, CancellationToken cancellationToken)
    {
        CsvFileWriter csv = CsvFileWriter.Create(HistoryPath);
        await using (csv.ConfigureAwait(false))
        {
            await csv.RowAsync(HistoryColumns, cancellationToken).ConfigureAwait(false);
            var total = new RunningRow();
            var rows = new SortedDictionary<RowKey, RunningRow>(ByNameThenMethod);
            var inInterval = new Dictionary<RowKey, RowStats>();
            foreach (IntervalStats interval in stats.History)
            {
                long timestamp = (interval.Start + TimeSpan.FromSeconds(interval.DurationSeconds)).ToUnixTimeSeconds();
                total.Add(interval.Total);
                if (_fullHistory)
                {
                    inInterval.Clear();
                    foreach (RowStats row in interval.Rows)
                    {
                        inInterval[row.Key] = row;
                        if (!rows.TryGetValue(row.Key, out RunningRow? running))
                        {
                            rows.Add(row.Key, running = new RunningRow());
                        }

                        running.Add(row);
                    }

                    foreach ((RowKey key, RunningRow running) in rows)
                    {
                        AppendHistoryRow(csv, timestamp, interval.Users, key.Method, key.Name, inInterval.GetValueOrDefault(key), running);
                        await csv.EndRowAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                AppendHistoryRow(csv, timestamp, interval.Users, string.Empty, AggregatedName, interval.Total, total);
                await csv.EndRowAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void AppendHistoryRow(CsvFileWriter csv, long timestamp, int users, string type, string name, RowStats? interval, RunningRow running)
    {
        csv.Count(timestamp)
            .Count(users)
            .Text(type)
            .Text(name)
            .FixedRate(interval?.RequestsPerSecond ?? 0)
            .FixedRate(interval?.FailuresPerSecond ?? 0);
        AppendPercentiles(csv, interval);
        csv.Count(running.Requests).Count(running.Failures);
        if (running.TryGetMedianMs(out double median))
        {
            csv.Milliseconds(median);
        }
        else
        {
            csv.Text(NotAvailable);
        }

        csv.Milliseconds(running.AverageMs)
            .Milliseconds(running.MinMs)
            .Milliseconds(running.MaxMs)
            .Milliseconds(running.AverageContentSize);
    }

    /// <summary>A row's totals from the start of the run, built up one interval at a time.</summary>
    private sealed class RunningRow
    {
        private HistogramBase? _histogram;
        private bool _histogramMissing;
        private double _sumMs;
        private long _bytesReceived;

        public long Requests { get; private set; }

        public long Failures { get; private set; }

        /// <summary>Fastest response time so far, ms; 0 before the first request (Locust's <c>min or 0</c>).</summary>
        public double MinMs { get; private set; }

        public double MaxMs { get; private set; }

        /// <summary>Mean response time so far, ms: the intervals' means weighted by their request counts.</summary>
        public double AverageMs => Requests == 0 ? 0 : Math.Round(_sumMs / Requests, 3);

        public double AverageContentSize => Requests == 0 ? 0 : (double)_bytesReceived / Requests;

        public void Add(RowStats interval)
        {
            if (interval.Requests == 0)
            {
                return;
            }

            MinMs = Requests == 0 ? interval.MinMs : Math.Min(MinMs, interval.MinMs);
            MaxMs = Math.Max(MaxMs, interval.MaxMs);
            Requests += interval.Requests;
            Failures += interval.Failures;
            _sumMs += interval.AverageMs * interval.Requests;
            _bytesReceived += interval.BytesReceived;

            if (interval.Histogram is null)
            {
                _histogramMissing = true;
                return;
            }

            // Adding the interval histograms gives the exact histogram of the run so far, so the running
            // median has the same 3-significant-digit accuracy as the final one.
            HistogramBase decoded = HistogramCodec.Decode(interval.Histogram);
            if (_histogram is null)
            {
                _histogram = decoded;
            }
            else
            {
                _histogram.Add(decoded);
            }
        }

        /// <summary>The median so far, ms, clamped to the exact extremes as every Stampede percentile is; false when an interval carried no histogram.</summary>
        public bool TryGetMedianMs(out double ms)
        {
            if (Requests == 0)
            {
                ms = 0;
                return true;
            }

            if (_histogram is null || _histogramMissing)
            {
                ms = 0;
                return false;
            }

            ms = Math.Clamp(_histogram.GetValueAtPercentile(50) / 1000.0, MinMs, Math.Max(MinMs, MaxMs));
            return true;
        }
    }
}
