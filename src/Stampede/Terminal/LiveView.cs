using System.Collections.Concurrent;
using Spectre.Console;
using Spectre.Console.Rendering;
using Stampede.Analysis;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Terminal;

/// <summary>
/// The live console view: every 2 s the latest snapshot as a table (in place on a terminal, appended
/// when output is redirected, as Locust's headless mode prints), and generator warnings as they come.
/// It reads snapshots only; it never touches the request path.
/// </summary>
internal sealed class LiveView
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);

    private readonly IAnsiConsole _console;
    private readonly LoadTest _test;
    private readonly TimeProvider _time;
    private readonly bool _showTables;
    private readonly ConcurrentQueue<GeneratorWarning> _pending = new();
    private readonly List<string> _warnings = [];
    private readonly IReadOnlyList<Threshold> _thresholds;

    public LiveView(IAnsiConsole console, LoadTest test, TimeProvider time, bool showTables, IReadOnlyList<Threshold>? thresholds = null)
    {
        _thresholds = thresholds ?? [];
        _console = console;
        _test = test;
        _time = time;
        _showTables = showTables;
        test.GeneratorWarningRaised += _pending.Enqueue;
        test.TargetWarningRaised += w => _pending.Enqueue(new GeneratorWarning(w.At, "Target: " + w.Message));
        test.RunWarningRaised += w => _pending.Enqueue(new GeneratorWarning(w.At, w.Message));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_showTables && PlainConsole.IsTerminal(_console))
        {
            await _console.Live(new Text("Starting users…"))
                .AutoClear(false)
                .StartAsync(async context =>
                {
                    await LoopAsync(() =>
                    {
                        TakeWarnings(print: false);
                        if (_test.Latest is { } stats)
                        {
                            context.UpdateTarget(WithThresholds(StatsTables.Live(stats, _warnings), stats));
                        }
                    }, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
            return;
        }

        await LoopAsync(() =>
        {
            TakeWarnings(print: true);
            if (_showTables && _test.Latest is { } stats)
            {
                _console.Write(WithThresholds(StatsTables.Live(stats, [], expand: false), stats));
            }
        }, cancellationToken).ConfigureAwait(false);
        TakeWarnings(print: true);
    }

    /// <summary>The live table with each threshold's state so far under it (measured on the same snapshot).</summary>
    private IRenderable WithThresholds(IRenderable table, StatsSnapshot stats)
    {
        IRenderable withProgress = stats.Experiment is { } progress ? new Rows(table, new Markup($"[bold]{Markup.Escape(progress.Text)}[/]")) : table;
        return _thresholds.Count == 0
            ? withProgress
            : new Rows(withProgress, GateTables.Live(ThresholdEvaluator.Evaluate(_thresholds, stats)));
    }

    private async Task LoopAsync(Action render, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RefreshPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                render();
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended; the summary follows.
        }
    }

    private void TakeWarnings(bool print)
    {
        while (_pending.TryDequeue(out GeneratorWarning? warning))
        {
            _warnings.Add(warning.Message);
            if (print)
            {
                _console.MarkupLine($"[yellow]Warning: {Markup.Escape(warning.Message)}[/]");
            }
        }
    }
}
