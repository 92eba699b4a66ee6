using System.Globalization;
using System.Text;
using System.Xml;
using Stampede.Analysis;

namespace Stampede.Reports;

/// <summary>
/// Writes a run's checks as JUnit XML (<c>--junit FILE</c>) for CI servers: one test case per threshold,
/// per SLO objective and per baseline row comparison.
/// </summary>
/// <remarks>
/// The layout is the common one Jenkins, GitLab, GitHub Actions reporters and Azure DevOps read:
/// <c>&lt;testsuites&gt;</c> holding one <c>&lt;testsuite&gt;</c> per kind of check (<c>thresholds</c>,
/// <c>slos</c>, <c>baseline</c>; empty kinds are left out), each with <c>tests</c>, <c>failures</c>,
/// <c>errors</c>, <c>skipped</c>, <c>time</c> and <c>timestamp</c>. A failed check, and a threshold or
/// objective without data, is a <c>&lt;failure&gt;</c>; a baseline row found in one run only is
/// <c>&lt;skipped&gt;</c>. Every case carries its measured line in <c>&lt;system-out&gt;</c>. Suite times
/// are the run's duration; case times are 0, since a check takes no time of its own.
/// </remarks>
internal static partial class JUnitWriter
{
    /// <summary>Writes the XML to <paramref name="path"/>, replacing the file.</summary>
    public static async Task WriteAsync(string path, JUnitChecks checks, CancellationToken cancellationToken = default)
    {
        OutputFile.EnsureDirectory(path);
        await File.WriteAllTextAsync(path, ToXml(checks), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The XML document of <paramref name="checks"/>.</summary>
    public static string ToXml(JUnitChecks checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        Suite[] suites =
        [
            new("thresholds", [.. checks.Thresholds.Select(ThresholdCase)]),
            new("slos", [.. checks.Slos.Select(SloCase)]),
            new("baseline", [.. checks.Comparisons.Select(ComparisonCase)]),
            new("autoscaling", AutoscalingCases(checks)),
            new("soak", SoakCases(checks)),
        ];

        var text = new Utf8StringWriter();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, NewLineChars = "\n" }))
        {
            string time = Seconds(checks.Duration);
            string timestamp = checks.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            Suite[] written = [.. suites.Where(s => s.Cases.Length > 0)];
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", checks.Name);
            WriteCounts(xml, written.SelectMany(s => s.Cases).ToArray(), time);
            foreach (Suite suite in written)
            {
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", $"{checks.Name}.{suite.Name}");
                WriteCounts(xml, suite.Cases, time);
                xml.WriteAttributeString("timestamp", timestamp);
                foreach (Case testCase in suite.Cases)
                {
                    WriteCase(xml, $"{checks.Name}.{suite.Name}", testCase);
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        return text.ToString() + "\n";
    }

    private static void WriteCounts(XmlWriter xml, Case[] cases, string time)
    {
        xml.WriteAttributeString("tests", Count(cases.Length));
        xml.WriteAttributeString("failures", Count(cases.Count(c => c.Failure is not null)));
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", Count(cases.Count(c => c.Skipped is not null)));
        xml.WriteAttributeString("time", time);
    }

    private static void WriteCase(XmlWriter xml, string className, Case testCase)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", className);
        xml.WriteAttributeString("name", testCase.Name);
        xml.WriteAttributeString("time", "0");
        if (testCase.Failure is { } failure)
        {
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("message", failure.Message);
            xml.WriteAttributeString("type", failure.Type);
            xml.WriteString(testCase.Output);
            xml.WriteEndElement();
        }
        else if (testCase.Skipped is { } skipped)
        {
            xml.WriteStartElement("skipped");
            xml.WriteAttributeString("message", skipped);
            xml.WriteEndElement();
        }

        xml.WriteElementString("system-out", testCase.Output);
        xml.WriteEndElement();
    }

    private static Case ThresholdCase(ThresholdResult result)
    {
        string measured = $"{result.Threshold.MetricName} = {result.MeasuredText}";
        return new Case(result.Threshold.Expression, result.ToString(), result.Outcome switch
        {
            CheckOutcome.Passed => null,
            CheckOutcome.Failed => new Failure($"{measured}, which fails {result.Threshold.Expression}", "threshold"),
            _ => new Failure($"{measured}: the threshold could not be checked", "no-data"),
        });
    }

    private static Case SloCase(SloResult result) => new(result.Objective.Name, result.ToString(), result.Outcome switch
    {
        CheckOutcome.Passed => null,
        CheckOutcome.Failed => new Failure(string.Create(
            CultureInfo.InvariantCulture,
            $"compliance {result.Compliance * 100:0.###}% is below the target {result.Objective.Target * 100:0.###}%; {result.ErrorBudgetConsumed * 100:0.#}% of the error budget used"), "slo"),
        _ => new Failure($"no data ({result.Note ?? "no requests"}): the objective could not be checked", "no-data"),
    });

    private static Case ComparisonCase(RowComparison comparison)
    {
        string output = string.Join('\n', [$"{comparison.Verdict}: {comparison.Reason}", .. comparison.Metrics.Select(m => $"  {m.Verdict}: {m.Reason}")]);
        return comparison.Verdict switch
        {
            ComparisonVerdict.Regressed => new Case(comparison.Label, output, new Failure($"regressed: {comparison.Reason}", "regression")),
            ComparisonVerdict.NotCompared => new Case(comparison.Label, output, null, comparison.Reason),
            _ => new Case(comparison.Label, output, null),
        };
    }

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);

    private sealed record Suite(string Name, Case[] Cases);

    private sealed record Case(string Name, string Output, Failure? Failure, string? Skipped = null);

    private sealed record Failure(string Message, string Type);

    /// <summary>A <see cref="StringWriter"/> whose XML declaration says UTF-8, the encoding the file is written in.</summary>
    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    }
}
