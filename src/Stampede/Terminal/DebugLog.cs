using System.Globalization;
using Stampede.Cli;
using Stampede.Load;
using Stampede.Monitoring;

namespace Stampede.Terminal;

/// <summary>
/// What <c>--loglevel DEBUG</c> adds, on stderr so that stdout stays the report: the settings as resolved
/// (load model, user classes and weights, timeouts, HTTP version, connection mode) before the run, and each
/// second's generator sample (CPU, GC, thread pool) as it is taken. It reads snapshots only.
/// </summary>
internal sealed class DebugLog
{
    // Samples are taken once a second; polling at half that period prints each within about 0.5 s of being taken.
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(500);

    private readonly TextWriter _errors;
    private readonly LoadTest _test;
    private readonly TimeProvider _time;
    private long _lastSecond;

    public DebugLog(TextWriter errors, LoadTest test, TimeProvider time)
    {
        _errors = errors;
        _test = test;
        _time = time;
    }

    /// <summary>The resolved settings, one <c>debug:</c> line each.</summary>
    public static IEnumerable<string> Settings(CliSettings settings, LoadShape? shape, LoadTest test)
    {
        string duration = settings.RunTime is { } t ? $"for {t}" : "until Ctrl-C";
        string load = settings.IsOpenModel
            ? $"open model, {DescribeOpen(settings)}"
            : shape is null
            ? string.Create(CultureInfo.InvariantCulture, $"closed model, {settings.Users} users at {settings.SpawnRate:0.##}/s")
            : $"closed model, load shape {shape.GetType().Name}";
        yield return $"debug: load: {load} {duration}, host {(settings.Host is { } host ? Security.Secrets.Redact(host) : "each class's own")}, seed {(settings.Seed is { } seed ? seed.ToString(CultureInfo.InvariantCulture) : "none")}";
        foreach (UserClassSummary c in test.UserClasses)
        {
            string fixedCount = c.FixedCount > 0 ? string.Create(CultureInfo.InvariantCulture, $" fixed count {c.FixedCount}") : string.Empty;
            string tasks = string.Join(", ", c.Tasks.Select(task => string.Create(CultureInfo.InvariantCulture, $"{task.Name} weight {task.Weight}")));
            yield return string.Create(CultureInfo.InvariantCulture, $"debug: user class {c.Name} weight {c.Weight}{fixedCount}: {tasks}");
        }

        yield return string.Create(CultureInfo.InvariantCulture, $"debug: timeouts: request {settings.RequestTimeout.TotalSeconds:0.###} s, stop {settings.StopTimeout.TotalSeconds:0.###} s");
        yield return $"debug: HTTP/{settings.HttpVersion}, {(settings.SharedConnections ? "shared connection pool" : "one connection pool per user")}, TLS certificates {(settings.Insecure ? "not checked (--insecure)" : "checked")}";
    }

    /// <summary>Prints each new generator sample until <paramref name="cancellationToken"/> is cancelled, then those left.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await WriteNewSamplesAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended: the samples of its last seconds follow.
        }

        await WriteNewSamplesAsync().ConfigureAwait(false);
    }

    private async Task WriteNewSamplesAsync()
    {
        if (_test.Latest is not { } stats)
        {
            return;
        }

        foreach (GeneratorSample s in stats.Generator.Samples)
        {
            if (s.Second <= _lastSecond)
            {
                continue;
            }

            _lastSecond = s.Second;
            await _errors.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"debug: generator second {s.Second}: cpu {s.CpuPercent:0.#}%, gc pause {s.GcPauseMs:0.#} ms, gen0/1/2 {s.Gen0Collections}/{s.Gen1Collections}/{s.Gen2Collections}, thread pool {s.ThreadPoolThreads} threads, {s.ThreadPoolQueueLength} queued")).ConfigureAwait(false);
        }
    }

    private static string DescribeOpen(CliSettings settings)
    {
        string rate = settings.RateStages is { } stages
            ? string.Create(CultureInfo.InvariantCulture, $"rate stages {string.Join(", ", stages.Select(s => $"{s.Duration.TotalSeconds:0.##}s→{s.Rate:0.##}/s"))}")
            : string.Create(CultureInfo.InvariantCulture, $"{settings.Rate:0.##} iterations/s");
        return string.Create(CultureInfo.InvariantCulture, $"{rate}, {settings.Arrivals} arrivals, burstiness {settings.Burstiness:0.##}, pre-allocated {settings.PreAllocatedUsers?.ToString(CultureInfo.InvariantCulture) ?? "default"}, max users {settings.MaxUsers?.ToString(CultureInfo.InvariantCulture) ?? "default"}, backlog {settings.Backlog}");
    }
}
