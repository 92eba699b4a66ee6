using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Stampede.Monitoring;
using Stampede.ScrapeCost;

// What scraping target metrics costs this process: an idle baseline, then a real TargetMonitor reading the given
// Prometheus endpoints every interval, both measured the same way (process CPU time, sampled every window), so the
// difference is the monitor's. Writes Markdown to stdout. bench/target-scrape/run.sh starts the exporters.
//
// Usage: ScrapeCost --urls URL[,URL…] [--seconds 60] [--baseline 60] [--window 10] [--warmup 20] [--settle 5] [--interval 1] [--expect 2000]
// Exit code: 0 when the steady-state cost is under 2% of one core, 3 when not, 1 when a source failed or exposed other than --expect samples.
Dictionary<string, string> flags = ReadFlags(args);
string[] urls = flags.TryGetValue("urls", out string? list) ? list.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
if (urls.Length == 0)
{
    Console.Error.WriteLine("give --urls http://127.0.0.1:PORT/metrics[,…]");
    return 2;
}

double seconds = Number("seconds", 60);
double baselineSeconds = Number("baseline", 60);
double window = Number("window", 10);
double settle = Number("settle", 5);
double warmup = Number("warmup", 20);
var interval = TimeSpan.FromSeconds(Number("interval", 1));
int expect = (int)Number("expect", 2000);
const double GoalPercent = 2;
string loadBefore = LoadAverage();

// Lets the start-up burst pass first. The tiered JIT goes on re-compiling start-up code for a while (2–4 ms/s on the
// 2-core machine): the baseline measures that, and it is taken off the scraping phase's CPU.
await Task.Delay(TimeSpan.FromSeconds(settle));
Phase baseline = await MeasureAsync("idle baseline (no monitor)", baselineSeconds, window);

MetricsEndpoint[] endpoints = [.. urls.Select((u, i) => new MetricsEndpoint($"exporter{i + 1}", new Uri(u)))];
Phase scraping;
TargetSnapshot snapshot;
await using (MonitorHandle monitor = MonitorHandle.Create(endpoints, interval, TimeSpan.FromSeconds(2)))
{
    monitor.Start();
    scraping = await MeasureAsync($"{endpoints.Length} sources scraped every {interval.TotalSeconds:0.###} s", seconds, window);
    await monitor.StopAsync();
    snapshot = monitor.Current;
}

double idle = baseline.CpuMsPerSecond;
double whole = scraping.CpuMsPerSecond;
(double From, double To, double CpuMsPerSecond)[] steadyWindows = [.. scraping.Windows.Where(w => w.From >= warmup)];
double steady = steadyWindows.Length == 0 ? double.NaN : steadyWindows.Sum(w => w.CpuMsPerSecond * (w.To - w.From)) / steadyWindows.Sum(w => w.To - w.From);
double warmupExtraMs = scraping.Windows.Where(w => w.From < warmup).Sum(w => (w.CpuMsPerSecond - steady) * (w.To - w.From));
var o = Console.Out;
o.WriteLine(Invariant($"## {endpoints.Length} sources × {expect:N0} series, every {interval.TotalSeconds:0.###} s for {seconds:0} s — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
o.WriteLine();
o.WriteLine(Invariant($"{Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC ({GCSettings.LatencyMode}), load average before / after: {loadBefore} / {LoadAverage()}"));
o.WriteLine();
o.WriteLine("| phase | wall s | process CPU ms | CPU ms per s | % of one core | allocated MB/s | GCs gen0/1/2 | GC pause ms |");
o.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (Phase phase in (Phase[])[baseline, scraping])
{
    o.WriteLine(Invariant($"| {phase.Name} | {phase.WallSeconds:0.0} | {phase.CpuMs:0} | {phase.CpuMsPerSecond:0.00} | {phase.CpuMsPerSecond / 10:0.000}% | {phase.AllocatedBytes / phase.WallSeconds / 1e6:0.00} | {phase.End.Gen0 - phase.Start.Gen0}/{phase.End.Gen1 - phase.Start.Gen1}/{phase.End.Gen2 - phase.Start.Gen2} | {(phase.End.GcPause - phase.Start.GcPause).TotalMilliseconds:0.0} |"));
}

foreach (Phase phase in (Phase[])[baseline, scraping])
{
    foreach ((double from, double to, double cpu) in phase.Windows)
    {
        o.WriteLine(Invariant($"| … {(phase == baseline ? "idle" : "scraping")}, seconds {from:0}–{to:0} | {to - from:0.0} | {cpu * (to - from):0} | {cpu:0.00} | {cpu / 10:0.000}% | | | |"));
    }
}

o.WriteLine();
string steadyVerdict = (steady - idle) / 10 < GoalPercent ? "PASS" : "FAIL";
o.WriteLine(Invariant($"- **Steady state (seconds {warmup:0}–{seconds:0}): {steady - idle:0.00} ms of CPU per second = {(steady - idle) / 10:0.00}% of one core** ({steady:0.00} ms/s before taking off the idle baseline's {idle:0.00}) → goal under {GoalPercent}%: **{steadyVerdict}**"));
o.WriteLine(Invariant($"- Whole {seconds:0} s, warm-up included: {whole - idle:0.00} ms/s = {(whole - idle) / 10:0.00}% of one core ({whole:0.00} ms/s raw) → {((whole - idle) / 10 < GoalPercent ? "PASS" : "FAIL")}"));
o.WriteLine(Invariant($"- Warm-up: the first {warmup:0} s took {warmupExtraMs:0} ms of CPU more than the steady rate would (once per run: tiered JIT of the scrape path)"));
o.WriteLine();
o.WriteLine(Invariant($"CPU by thread (from /proc/self/task, read at every {window:0} s window: 10 ms ticks; a thread that started and ended within one window is only in \"unattributed\"):"));
o.WriteLine();
o.WriteLine("| phase | thread | threads | CPU ms | ms per s |");
o.WriteLine("| --- | --- | ---: | ---: | ---: |");
foreach (Phase phase in (Phase[])[baseline, scraping])
{
    IReadOnlyList<(string Name, int Threads, double CpuMs)> threads = phase.ThreadCpu();
    foreach ((string name, int count, double cpuMs) in threads.Where(t => t.CpuMs > 0))
    {
        o.WriteLine(Invariant($"| {(phase == baseline ? "idle" : "scraping")} | {name} | {count} | {cpuMs:0} | {cpuMs / phase.WallSeconds:0.00} |"));
    }

    double unattributed = phase.CpuMs - threads.Sum(t => t.CpuMs);
    o.WriteLine(Invariant($"| {(phase == baseline ? "idle" : "scraping")} | unattributed (process total − threads; tick rounding) | | {unattributed:0} | {unattributed / phase.WallSeconds:0.00} |"));
}

o.WriteLine();
o.WriteLine("| source | scrapes | failures | samples per scrape | mean scrape ms (wall, exporter included) |");
o.WriteLine("| --- | ---: | ---: | ---: | ---: |");
bool complete = true;
foreach (TargetSourceStats source in snapshot.Sources)
{
    o.WriteLine(Invariant($"| {source.Name} | {source.Scrapes} | {source.Failures} | {source.SamplesSeen} | {source.MeanScrapeMs:0.0} |"));
    complete &= source.Failures == 0 && source.SamplesSeen == expect && source.Scrapes >= seconds / interval.TotalSeconds;
}

o.WriteLine();
o.WriteLine(Invariant($"Series recognised: {snapshot.Series.Count}; warnings: {snapshot.Warnings.Count}"));
foreach (TargetWarning warning in snapshot.Warnings)
{
    o.WriteLine($"- {warning.Message}");
}

if (!complete)
{
    Console.Error.WriteLine(Invariant($"a source failed, missed scrapes or did not expose {expect} samples: the measurement is not valid"));
    return 1;
}

return steadyVerdict == "PASS" ? 0 : 3;

double Number(string name, double fallback) =>
    flags.TryGetValue(name, out string? text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

static async Task<Phase> MeasureAsync(string name, double seconds, double window)
{
    CpuSample start = CpuSample.Take();
    CpuSample last = start;
    var samples = new List<CpuSample> { start };
    var windows = new List<(double From, double To, double CpuMsPerSecond)>();
    double at = 0;
    while (at < seconds)
    {
        double next = Math.Min(seconds, at + window);
        TimeSpan wait = TimeSpan.FromSeconds(next) - Stopwatch.GetElapsedTime(start.Timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        CpuSample now = CpuSample.Take();
        windows.Add((at, next, (now.ProcessCpu - last.ProcessCpu).TotalMilliseconds / Stopwatch.GetElapsedTime(last.Timestamp, now.Timestamp).TotalSeconds));
        samples.Add(now);
        last = now;
        at = next;
    }

    return new Phase(name, samples, windows);
}

static Dictionary<string, string> ReadFlags(string[] args)
{
    var flags = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        flags[args[i].TrimStart('-')] = args[i + 1];
    }

    return flags;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
