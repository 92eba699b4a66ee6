using System.Buffers;
using System.Text.Json;
using Stampede.Metrics;

namespace Stampede.Web;

/// <summary>
/// Writes a <see cref="DashboardView"/> as the JSON of one server-sent event: run state, the thresholds and their
/// verdicts, the watched target's latest values and the bottleneck verdict, a distributed run's agents, a running experiment's progress and
/// the ended run's analyses, the stats and failures tables (with each row's LLM statistics when it has streams), and
/// the chart points (requests/s, failures/s, users, p50 and p95 of each one-second interval, each target series, and
/// the TTFT and output tokens/s of a run with streams) that the client does not have yet.
/// </summary>
internal static partial class DashboardEvents
{
    /// <summary>The event of <paramref name="view"/>, with the history intervals from <paramref name="pointsFrom"/> on.</summary>
    /// <param name="view">What to send.</param>
    /// <param name="pointsFrom">History intervals the client already has (0 for a new client or a new run).</param>
    /// <param name="pointsTo">The history intervals the client has after this event.</param>
    public static string Write(DashboardView view, int pointsFrom, out int pointsTo)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", view.Version);
            json.WriteNumber("runId", view.RunId);
            json.WriteString("state", view.State.ToString().ToLowerInvariant());
            json.WriteNumber("targetUsers", view.TargetUsers);
            if (view.Message is { } message)
            {
                json.WriteString("message", message);
            }

            if (view.Request is { } request)
            {
                json.WriteString("host", request.Host is { } host ? Security.Secrets.Redact(host) : null);
                json.WriteNumber("spawnRate", request.SpawnRate);
                if (request.RunTime is { } runTime)
                {
                    json.WriteNumber("runTimeSeconds", runTime.TotalSeconds);
                }
            }

            if (view.Result is { } result)
            {
                json.WriteString("stopReason", result.StopReason.ToString());
                json.WriteString("validity", result.Validity.ToString());
            }

            if (view.Headline is { } headline)
            {
                json.WriteString("headline", headline);
            }

            WriteThresholds(json, view);
            WriteTarget(json, view);
            WriteCluster(json, view);
            WriteExperiment(json, view);
            WriteAnalyses(json, view);

            StatsSnapshot? stats = view.Stats;
            json.WriteNumber("users", view.State == DashboardRunState.Running ? stats?.Users ?? 0 : 0);
            json.WriteNumber("elapsedSeconds", Math.Round(stats?.Elapsed.TotalSeconds ?? 0, 1));
            pointsTo = pointsFrom;
            if (stats is not null)
            {
                // Current rates are of a run going on: a stopped run has none, only its totals.
                bool live = view.State is DashboardRunState.Running or DashboardRunState.Stopping;
                json.WritePropertyName("rows");
                json.WriteStartArray();
                foreach (RowStats row in stats.Rows)
                {
                    WriteRow(json, row.Key.Method, row.Key.Name, row, live);
                }

                WriteRow(json, string.Empty, "Aggregated", stats.Total, live);
                json.WriteEndArray();

                json.WritePropertyName("failures");
                json.WriteStartArray();
                foreach (FailureStats failure in stats.Failures)
                {
                    json.WriteStartObject();
                    json.WriteString("method", failure.Method);
                    json.WriteString("name", failure.Name);
                    json.WriteString("error", failure.Error);
                    json.WriteNumber("occurrences", failure.Occurrences);
                    json.WriteEndObject();
                }

                json.WriteEndArray();

                json.WritePropertyName("errors");
                json.WriteStartArray();
                foreach (UserErrorStats error in stats.Errors)
                {
                    json.WriteStartObject();
                    json.WriteString("source", error.Source);
                    json.WriteString("type", error.Type);
                    json.WriteString("message", error.Message);
                    json.WriteNumber("count", error.Count);
                    json.WriteEndObject();
                }

                json.WriteEndArray();

                json.WritePropertyName("warnings");
                json.WriteStartArray();
                foreach (RunWarning warning in stats.Warnings)
                {
                    json.WriteStringValue(warning.Message);
                }

                foreach (var warning in stats.Generator.Warnings)
                {
                    json.WriteStringValue(warning.Message);
                }

                json.WriteEndArray();
                pointsTo = WritePoints(json, stats, pointsFrom);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteRow(Utf8JsonWriter json, string method, string name, RowStats row, bool live)
    {
        json.WriteStartObject();
        json.WriteString("method", method);
        json.WriteString("name", name);
        json.WriteNumber("requests", row.Requests);
        json.WriteNumber("failures", row.Failures);
        WriteMs(json, "median", row.Requests, Percentile(row, 50));
        WriteMs(json, "p95", row.Requests, Percentile(row, 95));
        WriteMs(json, "p99", row.Requests, Percentile(row, 99));
        WriteMs(json, "average", row.Requests, row.AverageMs);
        WriteMs(json, "min", row.Requests, row.MinMs);
        WriteMs(json, "max", row.Requests, row.MaxMs);
        json.WriteNumber("averageSize", Math.Round(row.AverageContentSize, 1));
        json.WriteNumber("rps", live ? Math.Round(row.CurrentRequestsPerSecond, 2) : 0);
        json.WriteNumber("failuresPerSecond", live ? Math.Round(row.CurrentFailuresPerSecond, 2) : 0);
        WriteLlm(json, row.Llm);
        json.WriteEndObject();
    }

    /// <summary>The most history seconds one event carries: a new page on a long run starts its charts this far back.</summary>
    internal const int MaxPointsAtOnce = 3600;

    private static int WritePoints(Utf8JsonWriter json, StatsSnapshot stats, int from)
    {
        int count = stats.History.Count;
        // A page that opens on a long run gets its last hour: the seconds before that may be on disk (IntervalHistory),
        // and reading a day of them back for one page would cost the generator seconds of CPU mid-run.
        from = Math.Clamp(Math.Max(from, count - MaxPointsAtOnce), 0, count);
        json.WritePropertyName("points");
        json.WriteStartObject();
        json.WriteNumber("from", from);
        WriteSeries(json, "time", stats, from, i => i.Start.ToUnixTimeMilliseconds() / 1000.0 + i.DurationSeconds);
        WriteSeries(json, "rps", stats, from, i => i.DurationSeconds > 0 ? i.Total.Requests / i.DurationSeconds : 0);
        WriteSeries(json, "failuresPerSecond", stats, from, i => i.DurationSeconds > 0 ? i.Total.Failures / i.DurationSeconds : 0);
        WriteSeries(json, "users", stats, from, i => i.Users);
        WriteSeries(json, "p50", stats, from, i => i.Total.Requests > 0 ? Percentile(i.Total, 50) : null);
        WriteSeries(json, "p95", stats, from, i => i.Total.Requests > 0 ? Percentile(i.Total, 95) : null);
        WriteTargetPoints(json, stats, from);
        WriteLlmPoints(json, stats, from);
        json.WriteEndObject();
        return count;
    }

    private static void WriteSeries(Utf8JsonWriter json, string name, StatsSnapshot stats, int from, Func<IntervalStats, double?> value)
    {
        json.WritePropertyName(name);
        json.WriteStartArray();
        for (int i = from; i < stats.History.Count; i++)
        {
            if (value(stats.History[i]) is { } v && double.IsFinite(v))
            {
                json.WriteNumberValue(Math.Round(v, 3));
            }
            else
            {
                json.WriteNullValue();
            }
        }

        json.WriteEndArray();
    }

    private static void WriteMs(Utf8JsonWriter json, string name, long requests, double? value)
    {
        if (requests > 0 && value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, Math.Round(v, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static double? Percentile(RowStats row, double percentile) => row.TryGetPercentile(percentile, out double ms) ? ms : null;
}
