using System.Globalization;
using System.Text;

namespace Stampede.Reports;

/// <summary>The report's server-rendered parts: header and verdict, settings, tables (the checks are in HtmlReportWriter.Checks.cs).</summary>
internal static partial class HtmlReportWriter
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    /// <summary>The verdict of a run: its class (<c>ok</c>, <c>warn</c>, <c>fail</c>), a word, and the sentence.</summary>
    public static (string Class, string Word, string Line) Verdict(RunDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        RunDocumentRow total = document.Aggregated;
        long errors = document.Errors.Sum(e => e.Count);
        int warnings = document.Generator.Warnings.Count;
        int runWarnings = document.Warnings?.Count ?? 0;
        string why = StopReasonText(document.Run.StopReason);
        var line = new StringBuilder();
        line.Append(s_invariant, $"Run ended because {why} after {document.Run.DurationSeconds:0.0} s: {Count(total.Requests)} requests, ");
        line.Append(total.Failures == 0 ? "none failed" : string.Create(s_invariant, $"{Count(total.Failures)} failed ({total.FailureRatio:0.##%})"));
        line.Append(s_invariant, $", {Count(errors)} {(errors == 1 ? "error" : "errors")} raised by user code");
        if (warnings > 0)
        {
            line.Append(s_invariant, $", {warnings} generator {(warnings == 1 ? "warning" : "warnings")} (its latencies may include its own queueing)");
        }

        if (runWarnings > 0)
        {
            line.Append(s_invariant, $", {runWarnings} run {(runWarnings == 1 ? "warning" : "warnings")}");
        }

        bool invalid = string.Equals(document.Validity?.Verdict, "INVALID", StringComparison.OrdinalIgnoreCase);
        line.Append(s_invariant, $"{(invalid ? "; INVALID" : string.Empty)}. Exit code {document.Run.ExitCode}.");
        (string cls, string word) = document.Run.ExitCode != 0 ? ("fail", "Failed")
            : invalid ? ("warn", "Invalid")
            : total.Failures > 0 || errors > 0 || warnings > 0 || runWarnings > 0 ? ("warn", "Passed with warnings")
            : ("ok", "Passed");
        return (cls, word, line.ToString());
    }

    /// <summary>The headline's colour: red when a check failed, amber for an INVALID run, green otherwise.</summary>
    private static string HeadlineClass(RunDocument document) =>
        IsJudged(document) && CheckCounts(document).Failures.Count > 0 ? "fail"
        : string.Equals(document.Validity?.Verdict, "INVALID", StringComparison.OrdinalIgnoreCase) ? "warn"
        : "ok";

    /// <summary>The run's own warnings (an unreachable target, a scoped threshold without its row) under the verdict; nothing without any.</summary>
    private static void RunWarnings(StringBuilder html, IReadOnlyList<RunDocumentRunWarning>? warnings)
    {
        if (warnings is not { Count: > 0 })
        {
            return;
        }

        html.Append("<ul class=\"warnings\" id=\"run-warnings\">\n");
        foreach (RunDocumentRunWarning warning in warnings)
        {
            html.Append(s_invariant, $"<li data-kind=\"{Encode(warning.Kind)}\"><span class=\"at\">{Elapsed(warning.AtSeconds)}</span> {Encode(warning.Message)}</li>\n");
        }

        html.Append("</ul>\n");
    }

    private static string StopReasonText(string stopReason) => stopReason switch
    {
        "runTimeElapsed" => "the run time elapsed",
        "shapeFinished" => "the load shape finished",
        "interrupted" => "it was interrupted",
        "allUsersStopped" => "every user stopped itself",
        "thresholdAborted" => "an abort threshold failed",
        "experimentFinished" => "the experiment found its answer",
        "targetUnreachable" => "the target was unreachable",
        _ => stopReason,
    };

    private static string Header(RunDocument document)
    {
        RunDocumentRun run = document.Run;
        RunDocumentRow total = document.Aggregated;
        (string cls, string word, string line) = Verdict(document);
        var html = new StringBuilder();
        html.Append("<header class=\"report-header\">\n");
        html.Append("<h1>Stampede report</h1>\n");
        html.Append(s_invariant, $"<p class=\"subtitle\"><span class=\"host\">{Encode(run.Settings.Host ?? "each user class's own host")}</span> · <time datetime=\"{run.StartedAt:O}\">{run.StartedAt:yyyy-MM-dd HH:mm:ss zzz}</time> → <time datetime=\"{run.EndedAt:O}\">{run.EndedAt:HH:mm:ss}</time> · {Encode(document.Tool.Name)} {Encode(document.Tool.Version)}</p>\n");
        html.Append(s_invariant, $"<p id=\"headline\" class=\"verdict headline {HeadlineClass(document)}\"><strong>{Encode(RunHeadline.Of(document))}</strong></p>\n");
        html.Append(s_invariant, $"<p id=\"verdict\" class=\"verdict {cls}\"><strong>{word}</strong> <span>{Encode(line)}</span></p>\n");
        ChecksVerdict(html, document);
        if (run.Interrupted)
        {
            html.Append(s_invariant, $"<p id=\"interrupted\" class=\"coverage\"><strong>Interrupted after {run.DurationSeconds:0.#} s</strong>: the generator stopped before writing its outputs (killed, out of memory or crashed); this report was rebuilt from its journal, every second but the last.</p>\n");
        }

        if (run.Settings.Insecure)
        {
            html.Append("<p id=\"insecure\" class=\"coverage\"><strong>TLS certificates were not checked</strong> (<code>--insecure</code>): any certificate the target presented was accepted.</p>\n");
        }

        if (document.Validity is { Reasons.Count: > 0 } validity)
        {
            html.Append("<ul class=\"validity\" id=\"validity\">\n");
            foreach (string reason in validity.Reasons)
            {
                html.Append(s_invariant, $"<li>{Encode(reason)}</li>\n");
            }

            html.Append("</ul>\n");
        }

        if (document.Validity is { Notes.Count: > 0 } indicative)
        {
            html.Append("<ul class=\"validity-notes\" id=\"validity-notes\">\n");
            foreach (string note in indicative.Notes)
            {
                html.Append(s_invariant, $"<li>Indicative: {Encode(note)}</li>\n");
            }

            html.Append("</ul>\n");
        }

        RunWarnings(html, document.Warnings);
        html.Append("<dl class=\"cards\">\n");
        Card(html, "Requests", Count(total.Requests));
        Card(html, "Failures", Count(total.Failures), total.Failures == 0 ? null : total.FailureRatio.ToString("0.##%", s_invariant));
        Card(html, "Throughput", Rate(total.RequestsPerSecond), "req/s");
        foreach (string key in (string[])["50", "95", "99"])
        {
            Card(html, $"p{key}", total.Requests == 0 ? "–" : Short(total.PercentilesMs.GetValueOrDefault(key)), "ms");
        }

        Card(html, "Max", Short(total.MaxMs), "ms");
        Card(html, "Peak users", Count(document.History.Count == 0 ? 0 : document.History.Max(h => h.Users)));
        html.Append("</dl>\n</header>");
        return html.ToString();
    }

    private static void Card(StringBuilder html, string name, string value, string? unit = null) =>
        html.Append(s_invariant, $"<div><dt>{Encode(name)}</dt><dd>{Encode(value)}{(unit is null ? string.Empty : $"<small>{Encode(unit)}</small>")}</dd></div>\n");

    /// <summary>A time for a summary card, to about 4 significant digits (the tables have every digit).</summary>
    private static string Short(double ms) =>
        ms.ToString(ms >= 1000 ? "#,0" : ms >= 100 ? "0.#" : ms >= 10 ? "0.##" : "0.###", s_invariant);

    private static string Settings(RunDocument document)
    {
        RunDocumentRun run = document.Run;
        RunDocumentSettings s = run.Settings;
        var html = new StringBuilder();
        html.Append("<table class=\"settings\"><tbody>\n");
        Setting(html, "Host", s.Host ?? "each user class's own host");
        Setting(html, "Load", s.Rate is not null || s.RateStages is not null
            ? string.Create(s_invariant, $"open model: {(s.RateStages is { } stages ? "rate stages " + string.Join(", ", stages) : $"{s.Rate:0.###} iterations/s")}, {s.Arrivals ?? "constant"} arrivals, up to {(s.MaxUsers is { } max ? Count(max) : "1,000")} users, backlog {s.Backlog ?? 0}")
            : s.Shape is { } shape ? $"load shape {shape}" : string.Create(s_invariant, $"{Count(s.Users)} users, spawned at {s.SpawnRate:0.###} users/s"));
        Setting(html, "Run time", s.RunTimeSeconds is { } limit ? string.Create(s_invariant, $"{limit:0.###} s limit; ran {run.DurationSeconds:0.###} s") : string.Create(s_invariant, $"no limit; ran {run.DurationSeconds:0.###} s"));
        Setting(html, "Stopped because", StopReasonText(run.StopReason));
        Setting(html, "Started", run.StartedAt.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", s_invariant));
        Setting(html, "Ended", run.EndedAt.ToString("yyyy-MM-dd HH:mm:ss.fff zzz", s_invariant));
        Setting(html, "Stop timeout", string.Create(s_invariant, $"{s.StopTimeoutSeconds:0.###} s"));
        Setting(html, "Request timeout", string.Create(s_invariant, $"{s.RequestTimeoutSeconds:0.###} s"));
        Setting(html, "HTTP", $"HTTP/{s.HttpVersion}, {(s.SharedConnections ? "one connection pool shared by all users" : "connections owned by each user")}");
        Setting(html, "TLS", s.Insecure ? "certificates NOT checked (--insecure): any certificate was accepted" : "certificates checked");
        Setting(html, "Tags", s.Tags.Count == 0 && s.ExcludeTags.Count == 0 ? "all tasks" : $"{(s.Tags.Count == 0 ? "all" : string.Join(", ", s.Tags))}{(s.ExcludeTags.Count == 0 ? string.Empty : " except " + string.Join(", ", s.ExcludeTags))}");
        Setting(html, "Seed", run.Seed.ToString(s_invariant));
        Setting(html, "Exit code", run.ExitCode.ToString(s_invariant));
        html.Append(s_invariant, $"<tr><th>Arguments</th><td><code>{Encode(string.Join(' ', s.Arguments.Select(QuoteArgument)))}</code></td></tr>\n");
        html.Append("</tbody></table>\n");

        html.Append("<h3>User classes</h3>\n<div class=\"scroll\"><table class=\"data\"><thead><tr><th>Class</th><th class=\"num\">Weight</th><th class=\"num\">Fixed count</th><th>Tasks (weight, tags)</th></tr></thead><tbody>\n");
        foreach (RunDocumentUserClass userClass in run.UserClasses)
        {
            string tasks = string.Join(", ", userClass.Tasks.Select(t => string.Create(s_invariant, $"{t.Name} ×{t.Weight}{(t.Tags.Count == 0 ? string.Empty : " [" + string.Join(", ", t.Tags) + "]")}")));
            html.Append(s_invariant, $"<tr><td>{Encode(userClass.Name)}</td><td class=\"num\">{userClass.Weight}</td><td class=\"num\">{userClass.FixedCount}</td><td class=\"wrap\">{Encode(tasks)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>");
        return html.ToString();
    }

    private static void Setting(StringBuilder html, string name, string value) =>
        html.Append(s_invariant, $"<tr><th>{Encode(name)}</th><td>{Encode(value)}</td></tr>\n");

    private static string QuoteArgument(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? argument : "\"" + argument.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Stats(RunDocument document)
    {
        IEnumerable<(RunDocumentRow Row, bool Total)> rows = document.Rows.Select(r => (r, false)).Append((document.Aggregated, true));
        var html = new StringBuilder();
        html.Append("<h3>Requests</h3>\n<div class=\"scroll\"><table class=\"data\" id=\"stats-table\"><thead><tr>");
        html.Append("<th>Type</th><th>Name</th><th class=\"num\">Requests</th><th class=\"num\">Fails</th><th class=\"num\">Fail %</th><th class=\"num\">Requests/s</th><th class=\"num\">Failures/s</th>");
        html.Append("<th class=\"num\">Average (ms)</th><th class=\"num\">Min (ms)</th><th class=\"num\">Max (ms)</th><th class=\"num\">TTFB avg (ms)</th><th class=\"num\">Avg size (bytes)</th><th class=\"num\">Sent (bytes)</th><th class=\"num\">Received (bytes)</th>");
        html.Append("</tr></thead><tbody>\n");
        foreach ((RunDocumentRow row, bool isTotal) in rows)
        {
            html.Append(isTotal ? "<tr class=\"total\">" : "<tr>");
            html.Append(s_invariant, $"<td>{Encode(row.Method)}</td><td>{Encode(row.Name)}</td>");
            Num(html, Count(row.Requests));
            Num(html, Count(row.Failures));
            Num(html, row.Requests == 0 ? "–" : row.FailureRatio.ToString("0.##%", s_invariant));
            Num(html, Rate(row.RequestsPerSecond));
            Num(html, Rate(row.FailuresPerSecond));
            Num(html, Ms(row.AverageMs));
            Num(html, Ms(row.MinMs));
            Num(html, Ms(row.MaxMs));
            Num(html, Ms(row.TimeToFirstByte.AverageMs));
            Num(html, row.AverageContentSize.ToString("#,0", s_invariant));
            Num(html, Count(row.BytesSent));
            Num(html, Count(row.BytesReceived));
            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");

        IReadOnlyList<string> keys = document.Aggregated.PercentilesMs.Keys.ToList();
        html.Append("<h3>Response time percentiles (ms)</h3>\n<div class=\"scroll\"><table class=\"data\" id=\"percentiles-table\"><thead><tr><th>Type</th><th>Name</th>");
        foreach (string key in keys)
        {
            html.Append(s_invariant, $"<th class=\"num\">{Encode(key)}%</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        bool anyFew = false;
        foreach ((RunDocumentRow row, bool isTotal) in rows)
        {
            html.Append(isTotal ? "<tr class=\"total\">" : "<tr>");
            html.Append(s_invariant, $"<td>{Encode(row.Method)}</td><td>{Encode(row.Name)}</td>");
            foreach (string key in keys)
            {
                string value = row.Requests == 0 || !row.PercentilesMs.ContainsKey(key) ? "–" : Percentile(row, key);
                if (row.Requests > 0 && IsInsufficient(row, key))
                {
                    anyFew = true;
                    html.Append(s_invariant, $"<td class=\"num few\" title=\"{Count(row.Requests)} requests: too few for this percentile (MLPerf LoadGen's minimums)\">{Encode(value)}</td>");
                }
                else
                {
                    Num(html, value);
                }
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        if (anyFew)
        {
            html.Append("<p class=\"note\"><span class=\"few\">Shaded</span> percentiles come from fewer requests than MLPerf LoadGen requires for them (64 for p90, 662 for p99, ten times more per further nine): treat them as indicative.</p>\n");
        }

        ServiceTimes(html, document, rows.ToList());
        Schedule(html, document);
        return html.ToString();
    }

    /// <summary>
    /// Service time beside the response time, when the run kept it and it differs anywhere (an open-model
    /// run, or paced users that ran late): the gap between the two tables is the wait a closed-loop tool hides.
    /// </summary>
    private static void ServiceTimes(StringBuilder html, RunDocument document, List<(RunDocumentRow Row, bool Total)> rows)
    {
        bool differs = rows.Any(r => r.Row.ServiceTime is { } s && s.PercentilesMs.TryGetValue("99", out double p99) && r.Row.PercentilesMs.TryGetValue("99", out double all) && p99 != all);
        if (document.Arrivals is null && !differs)
        {
            return;
        }

        string[] keys = ["50", "90", "95", "99", "99.9", "100"];
        html.Append("<h3>Service time percentiles (ms, from the actual send)</h3>\n<div class=\"scroll\"><table class=\"data\" id=\"service-table\"><thead><tr><th>Type</th><th>Name</th>");
        foreach (string key in keys)
        {
            html.Append(s_invariant, $"<th class=\"num\">{Encode(key)}%</th>");
        }

        html.Append("<th class=\"num\">Average (ms)</th></tr></thead><tbody>\n");
        foreach ((RunDocumentRow row, bool isTotal) in rows)
        {
            html.Append(isTotal ? "<tr class=\"total\">" : "<tr>");
            html.Append(s_invariant, $"<td>{Encode(row.Method)}</td><td>{Encode(row.Name)}</td>");
            foreach (string key in keys)
            {
                Num(html, row.Requests == 0 || row.ServiceTime is null || !row.ServiceTime.PercentilesMs.TryGetValue(key, out double ms) ? "–" : Ms(ms));
            }

            Num(html, row.ServiceTime is null ? "–" : Ms(row.ServiceTime.AverageMs));
            html.Append("</tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        html.Append("<p class=\"note\">Response times above count from each request's intended start; service times count from the moment it was actually sent. The difference is time spent waiting to be sent: what coordinated omission would hide.</p>\n");
    }

    /// <summary>How an open-model run kept to its schedule: arrivals due, started, dropped, scheduling lag.</summary>
    private static void Schedule(StringBuilder html, RunDocument document)
    {
        if (document.Arrivals is not { } a)
        {
            return;
        }

        IReadOnlyDictionary<string, double> lag = document.Aggregated.SchedulingLag?.PercentilesMs ?? new Dictionary<string, double>();
        double share = a.DueIterations == 0 ? 0 : (double)a.StartedIterations / a.DueIterations;
        html.Append("<h3>Schedule (open model)</h3>\n<table class=\"settings\" id=\"schedule-table\"><tbody>\n");
        Setting(html, "Target rate", string.Create(s_invariant, $"{a.MeanTargetRate:0.##} iterations/s on average ({a.ExpectedIterations:#,0.#} expected)"));
        Setting(html, "Iterations due", Count(a.DueIterations));
        Setting(html, "Started", string.Create(s_invariant, $"{Count(a.StartedIterations)} ({share:0.##%} of those due; {a.AchievedRate:0.##}/s)"));
        Setting(html, "Dropped", string.Create(s_invariant, $"{Count(a.DroppedIterations)} (no free user among {Count(a.MaxUsers)}; never sent, not in the latencies)"));
        Setting(html, "Scheduling lag", lag.Count == 0 ? "–" : string.Create(s_invariant, $"p50 {Ms(lag.GetValueOrDefault("50"))} ms, p99 {Ms(lag.GetValueOrDefault("99"))} ms, max {Ms(lag.GetValueOrDefault("100"))} ms (actual send − intended start)"));
        if (document.Generator.BoundSinceSecond is { } since)
        {
            Setting(html, "Generator bound", string.Create(s_invariant, $"{document.Generator.BoundSeconds} s from second {since + 1} ({string.Join(", ", document.Generator.BoundReasons ?? [])})"));
        }

        html.Append("</tbody></table>\n");
    }

    /// <summary>
    /// Whether <paramref name="row"/> has too few requests for the percentile: as the document says
    /// (<see cref="RunDocumentRow.InsufficientPercentiles"/>), or, for a document written before it
    /// said so, by <see cref="MinimumSamples"/>.
    /// </summary>
    private static bool IsInsufficient(RunDocumentRow row, string key) =>
        row.InsufficientPercentiles is { } insufficient
            ? insufficient.Contains(key, StringComparer.Ordinal)
            : MinimumSamples(key) is { } minimum && row.Requests < minimum;

    /// <summary>Requests a percentile needs to be trusted (MLPerf LoadGen: 64 for p90, 662 for p99), or null below p90.</summary>
    public static long? MinimumSamples(string percentileKey) => percentileKey switch
    {
        "90" or "95" or "98" => 64,
        "99" => 662,
        "99.9" => 6_620,
        "99.99" => 66_200,
        _ => null,
    };

    private static string Failures(RunDocument document)
    {
        var html = new StringBuilder();
        html.Append("<h3>Failed requests</h3>\n");
        if (document.Failures.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"failures-empty\">No request failed.</p>\n");
        }
        else
        {
            html.Append("<div class=\"scroll\"><table class=\"data\" id=\"failures-table\"><thead><tr><th>Method</th><th>Name</th><th>Error</th><th class=\"num\">Occurrences</th></tr></thead><tbody>\n");
            foreach (RunDocumentFailure failure in document.Failures)
            {
                html.Append(s_invariant, $"<tr><td>{Encode(failure.Method)}</td><td>{Encode(failure.Name)}</td><td class=\"wrap\">{Encode(failure.Error)}</td><td class=\"num\">{Count(failure.Occurrences)}</td></tr>\n");
            }

            html.Append("</tbody></table></div>\n");
        }

        html.Append("<h3>Errors in user code</h3>\n");
        if (document.Errors.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"errors-empty\">No task or hook threw an exception.</p>");
        }
        else
        {
            html.Append("<div class=\"scroll\"><table class=\"data\" id=\"errors-table\"><thead><tr><th class=\"num\">Count</th><th>Source</th><th>Type</th><th>Message and first stack trace</th></tr></thead><tbody>\n");
            foreach (RunDocumentError error in document.Errors)
            {
                html.Append(s_invariant, $"<tr><td class=\"num\">{Count(error.Count)}</td><td>{Encode(error.Source)}</td><td>{Encode(error.Type)}</td><td class=\"wrap\"><details><summary>{Encode(error.Message)}</summary><pre>{Encode(error.StackTrace)}</pre></details></td></tr>\n");
            }

            html.Append("</tbody></table></div>");
        }

        return html.ToString();
    }

    private static string Generator(RunDocumentGenerator generator)
    {
        var html = new StringBuilder();
        html.Append("<dl class=\"cards small\">\n");
        Card(html, "Cores", generator.ProcessorCount.ToString(s_invariant));
        Card(html, "Peak CPU", generator.PeakCpuPercent.ToString("0.#", s_invariant), "%");
        Card(html, "Average CPU", generator.AverageCpuPercent.ToString("0.#", s_invariant), "%");
        Card(html, "Warning above", generator.CpuWarningThresholdPercent.ToString("0.#", s_invariant), "%");
        Card(html, "GC pauses", Ms(generator.TotalGcPauseMs), "ms");
        if (generator.GcMode is { } gc)
        {
            Card(html, "GC", gc);
        }
        html.Append("</dl>\n");
        if (generator.Warnings.Count == 0)
        {
            html.Append("<p class=\"empty\" id=\"warnings-empty\">No warnings: the generator kept up, so its latencies are the server's.</p>");
        }
        else
        {
            html.Append("<ul class=\"warnings\" id=\"warnings\">\n");
            foreach (RunDocumentWarning warning in generator.Warnings)
            {
                html.Append(s_invariant, $"<li><span class=\"at\">{Elapsed(warning.AtSeconds)}</span> {Encode(warning.Message)}</li>\n");
            }

            html.Append("</ul>");
        }

        return html.ToString();
    }

    private static void Num(StringBuilder html, string value) =>
        html.Append(s_invariant, $"<td class=\"num\">{Encode(value)}</td>");

    private static string Percentile(RunDocumentRow row, string key) =>
        row.PercentilesMs.TryGetValue(key, out double ms) ? Ms(ms) : "–";

    private static string Count(long value) => value.ToString("#,0", s_invariant);

    private static string Ms(double value) => value.ToString("#,0.###", s_invariant);

    private static string Rate(double value) => value.ToString("#,0.00", s_invariant);

    private static string Elapsed(double seconds) =>
        string.Create(s_invariant, $"{(int)(seconds / 60)}:{seconds % 60:00.#}");
}
