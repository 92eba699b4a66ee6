using System.Diagnostics;
using System.Text;
using Stampede.Monitoring.Prometheus;
using Xunit.Abstractions;

namespace Stampede.Core.Tests.Monitoring.Prometheus;

public sealed class ExpositionParserRobustnessTests(ITestOutputHelper output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public void Parse_MalformedLines_WarnsWithLineNumberAndKeepsTheRest()
    {
        const string Text =
            "# TYPE up gauge\n" +                       // 1
            "up{job=\"api\"} 1\n" +                     // 2
            "up{job=\"db} 1\n" +                         // 3: unterminated label value
            "up{job=\"cache\"}\n" +                     // 4: no value
            "\n" +                                       // 5
            "up{job=\"web\"} abc\n" +                   // 6: invalid value
            "up{job=\"queue\"} 0\n" +                   // 7
            "temperature_celsius 21.5\n";               // 8

        Exposition exposition = ExpositionParser.Parse(Text);

        exposition.Warnings.Select(w => w.Line).ShouldBe([3, 4, 6]);
        exposition.Warnings[0].Message.ShouldContain("unterminated label value");
        exposition.Warnings[0].Message.ShouldContain("'up{job=\"db} 1'");
        exposition.Warnings[1].Message.ShouldContain("expected a value after the labels");
        exposition.Warnings[2].Message.ShouldContain("invalid value 'abc'");
        exposition.Find("up")!.Samples.Select(s => s.Labels.Get("job")).ShouldBe(["api", "queue"]);
        exposition.Find("temperature_celsius")!.Samples.ShouldHaveSingleItem().Value.ShouldBe(21.5);
        exposition.SampleCount.ShouldBe(3);
    }

    [Theory]
    [InlineData("requests", "expected a value after the metric name")]
    [InlineData("requests{code=\"200\" 1", "expected ',' or '}' after the value of label 'code'")]
    [InlineData("requests{code=\"200\"", "unterminated label set")]
    [InlineData("requests{code=200} 1", "expected '\"' to open the value of label 'code'")]
    [InlineData("requests{code} 1", "expected '=' after label name 'code'")]
    [InlineData("requests{9code=\"1\"} 1", "expected a label name but found '9'")]
    [InlineData("requests{a=\"1\",a=\"2\"} 1", "duplicate label 'a'")]
    [InlineData("requests-total 1", "invalid character '-' in the metric name")]
    [InlineData("requests 1 soon", "invalid timestamp 'soon'")]
    [InlineData("requests 1 1733004800000 extra", "unexpected text 'extra' after the timestamp")]
    [InlineData("requests 0x1p3", "invalid value '0x1p3'")]
    [InlineData("9lives 1", "expected a metric name at the start of the line")]
    [InlineData("# TYPE requests", "expected a metric type after the metric name")]
    [InlineData("# TYPE requests meter", "unknown metric type 'meter'")]
    [InlineData("# TYPE", "expected a metric name after '# TYPE'")]
    [InlineData("# HELP 1abc text", "expected a metric name after '# HELP'")]
    public void Parse_MalformedLine_MessageSaysWhatWasWrong(string line, string expected)
    {
        string text = $"ok_a 1\nok_b 2\nok_c 3\n{line}\nok_d 4\n";

        Exposition exposition = ExpositionParser.Parse(text);

        ExpositionWarning warning = exposition.Warnings.ShouldHaveSingleItem();
        warning.Line.ShouldBe(4);
        warning.Message.ShouldContain(expected);
        warning.Message.ShouldContain(line);
        exposition.Families.Select(f => f.Name).ShouldContain("ok_d");
    }

    [Fact]
    public void Parse_LongMalformedLine_QuotesOnlyItsStart()
    {
        string line = "broken{label=\"" + new string('x', 5000);

        ExpositionWarning warning = ExpositionParser.Parse($"a 1\nb 2\n{line}\n").Warnings.ShouldHaveSingleItem();

        warning.Message.ShouldContain(line[..60] + "…");
        warning.Message.Length.ShouldBeLessThan(200);
    }

    [Fact]
    public void Parse_DuplicateType_WarnsAndKeepsTheFirst()
    {
        Exposition exposition = ExpositionParser.Parse("# TYPE a counter\na 1\n# TYPE a gauge\na 2\n");

        MetricFamily family = exposition.Families.ShouldHaveSingleItem();
        family.Type.ShouldBe(MetricType.Counter);
        family.Samples.Count.ShouldBe(2);
        ExpositionWarning warning = exposition.Warnings.ShouldHaveSingleItem();
        warning.Line.ShouldBe(3);
        warning.Message.ShouldContain("duplicate # TYPE for 'a' (the first, at line 1, is kept)");
    }

    [Fact]
    public void Parse_HtmlPage_OneNotMetricsWarningAndNoFamilies()
    {
        const string Html = "\n  <!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n<body>metric 1</body></html>\n";

        Exposition exposition = ExpositionParser.Parse(Html);

        exposition.Families.ShouldBeEmpty();
        exposition.SampleCount.ShouldBe(0);
        ExpositionWarning warning = exposition.Warnings.ShouldHaveSingleItem();
        warning.Line.ShouldBe(2);
        warning.Message.ShouldBe("the response is not a metrics exposition (line 2: '<!DOCTYPE html>'): check that the URL points at the /metrics endpoint");
    }

    [Fact]
    public void Parse_PlainTextErrorPage_OneNotMetricsWarning()
    {
        Exposition exposition = ExpositionParser.Parse("404 page not found\n");

        exposition.Families.ShouldBeEmpty();
        exposition.Warnings.ShouldHaveSingleItem().Message.ShouldStartWith("the response is not a metrics exposition (line 1: '404 page not found')");
    }

    [Fact]
    public void Parse_MostOfTheFirstTwentyLinesMalformed_OneNotMetricsWarning()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            text.Append(i % 3 == 0 ? "good_metric 1\n" : "this is some prose, not metrics\n");
        }

        Exposition exposition = ExpositionParser.Parse(text.ToString());

        exposition.Families.ShouldBeEmpty();
        exposition.Warnings.ShouldHaveSingleItem().Message.ShouldContain("(line 2: 'this is some prose, not metrics')");
    }

    [Fact]
    public void Parse_ManyMalformedLines_CapsWarningsAtTwentyPlusACount()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            text.Append("good_metric{i=\"").Append(i).Append("\"} 1\n");
        }

        for (int i = 0; i < 50; i++)
        {
            text.Append("bad_metric{\n");
        }

        Exposition exposition = ExpositionParser.Parse(text.ToString());

        exposition.Warnings.Count.ShouldBe(21);
        exposition.Warnings[0].Line.ShouldBe(101);
        exposition.Warnings[19].Line.ShouldBe(120);
        exposition.Warnings[20].Message.ShouldBe("30 more malformed lines were skipped (the first at line 121)");
        exposition.SampleCount.ShouldBe(100);
    }

    [Fact]
    public void Parse_TextAfterEof_WarnsAndIgnoresIt()
    {
        Exposition exposition = ExpositionParser.Parse("a 1\n# EOF\nb 2\nc 3\n");

        exposition.IsOpenMetrics.ShouldBeTrue();
        exposition.Families.ShouldHaveSingleItem().Name.ShouldBe("a");
        ExpositionWarning warning = exposition.Warnings.ShouldHaveSingleItem();
        warning.Line.ShouldBe(3);
        warning.Message.ShouldContain("after '# EOF'");
    }

    [Fact]
    public void Parse_ForcedOpenMetricsWithoutEof_WarnsItMayBeTruncated()
    {
        Exposition exposition = ExpositionParser.Parse("# TYPE a gauge\na 1\n", openMetrics: true);

        exposition.Find("a")!.Samples.ShouldHaveSingleItem();
        exposition.Warnings.ShouldHaveSingleItem().Message.ShouldContain("does not end with '# EOF'");
    }

    [Fact]
    public void Parse_RandomlyCorruptedFixtures_NeverThrowsAndStaysConsistent()
    {
        var random = new Random(20_261_202);
        const string Noise = "{}\"\\=,# \n\t\r_:aZ09.+-eE";
        foreach (string name in PrometheusFixtures.All)
        {
            string original = PrometheusFixtures.Read(name);
            for (int round = 0; round < 300; round++)
            {
                var text = new StringBuilder(original);
                int edits = random.Next(1, 12);
                for (int e = 0; e < edits && text.Length > 0; e++)
                {
                    int at = random.Next(text.Length);
                    switch (random.Next(4))
                    {
                        case 0:
                            text.Remove(at, Math.Min(random.Next(1, 40), text.Length - at));
                            break;
                        case 1:
                            text.Insert(at, Noise[random.Next(Noise.Length)]);
                            break;
                        case 2:
                            text[at] = Noise[random.Next(Noise.Length)];
                            break;
                        default:
                            text.Length = at;
                            break;
                    }
                }

                Exposition exposition = ExpositionParser.Parse(text.ToString(), random.Next(3) switch { 0 => null, 1 => true, _ => false });

                exposition.SampleCount.ShouldBe(exposition.Families.Sum(f => f.Samples.Count));
                exposition.Warnings.Count.ShouldBeLessThanOrEqualTo(21);
                exposition.Warnings.ShouldAllBe(w => w.Line >= 1);
            }
        }
    }

    [Fact]
    public void Parse_FiftyMegabyteExposition_ParsesWithoutThrowing()
    {
        (string text, int expectedSamples, int expectedFamilies) = Generate(50 * 1024 * 1024);
        var stopwatch = Stopwatch.StartNew();

        Exposition exposition = ExpositionParser.Parse(text);

        stopwatch.Stop();
        _output.WriteLine($"{text.Length / 1024.0 / 1024.0:F1} M chars, {exposition.SampleCount} samples: {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        exposition.SampleCount.ShouldBe(expectedSamples);
        exposition.Families.Count.ShouldBe(expectedFamilies);
        exposition.Warnings.Count.ShouldBe(21);
        exposition.Warnings[0].Message.ShouldContain("unterminated label value");
        exposition.Find("load_histogram_2")!.Samples.Count(s => s.Labels.Get("le") is not null).ShouldBe(5 * 4);
    }

    // A node_exporter-sized family mix repeated until the text reaches the size: gauges with two labels, a histogram
    // per family, and one malformed line per 997 samples.
    private static (string Text, int Samples, int Families) Generate(int chars)
    {
        var text = new StringBuilder(chars + 4096);
        int samples = 0;
        int families = 0;
        int line = 0;
        while (text.Length < chars)
        {
            text.Append("# HELP load_gauge_").Append(families).Append(" A generated gauge.\n# TYPE load_gauge_").Append(families).Append(" gauge\n");
            for (int series = 0; series < 1000; series++)
            {
                if (++line % 997 == 0)
                {
                    text.Append("load_gauge_").Append(families).Append("{instance=\"host-").Append(series).Append(" 1\n");
                    continue;
                }

                text.Append("load_gauge_").Append(families).Append("{instance=\"host-").Append(series % 50)
                    .Append("\",series=\"").Append(series).Append("\"} ").Append(series * 1.25).Append(" 1733004800000\n");
                samples++;
            }

            text.Append("# TYPE load_histogram_").Append(families).Append(" histogram\n");
            for (int series = 0; series < 4; series++)
            {
                foreach (string le in new[] { "0.1", "0.5", "1", "5", "+Inf" })
                {
                    text.Append("load_histogram_").Append(families).Append("_bucket{le=\"").Append(le).Append("\",route=\"/r").Append(series).Append("\"} 10\n");
                }

                text.Append("load_histogram_").Append(families).Append("_sum{route=\"/r").Append(series).Append("\"} 3.5\n");
                text.Append("load_histogram_").Append(families).Append("_count{route=\"/r").Append(series).Append("\"} 10\n");
                samples += 7;
            }

            families += 2;
        }

        return (text.ToString(), samples, families);
    }
}
