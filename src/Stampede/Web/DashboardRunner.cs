using Stampede.Analysis;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Reports;

namespace Stampede.Web;

/// <summary>What the dashboard's start form asks for.</summary>
/// <param name="Users">Target users (closed model).</param>
/// <param name="SpawnRate">Users started or stopped per second.</param>
/// <param name="Host">Base URL of the system under test, or <see langword="null"/> to keep the command line's.</param>
/// <param name="RunTime">Stop after this long, or <see langword="null"/> to run until stopped.</param>
internal sealed record DashboardRunRequest(int Users, double SpawnRate, string? Host, TimeSpan? RunTime);

/// <summary>Where the dashboard's run stands.</summary>
internal enum DashboardRunState
{
    /// <summary>No run has started yet, or the stats were reset after one ended.</summary>
    Ready,

    /// <summary>A run is going.</summary>
    Running,

    /// <summary>Stop was asked for; users are stopping.</summary>
    Stopping,

    /// <summary>The last run ended; its outputs can be downloaded.</summary>
    Stopped,
}

/// <summary>One immutable view of the dashboard: what the event stream sends, versioned so each client sends each view once.</summary>
internal sealed record DashboardView
{
    public required long Version { get; init; }

    public required int RunId { get; init; }

    public required DashboardRunState State { get; init; }

    public DashboardRunRequest? Request { get; init; }

    public int TargetUsers { get; init; }

    public StatsSnapshot? Stats { get; init; }

    public RunResult? Result { get; init; }

    /// <summary>The ended run's headline (<see cref="RunHeadline"/>), as its console summary and HTML report show it; null before a run ended.</summary>
    public string? Headline { get; init; }

    public string? Message { get; init; }

    /// <summary>The thresholds runs are judged by (<c>--slo</c>), in order; shown before a run starts and measured on each snapshot.</summary>
    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];
}

/// <summary>
/// Runs load tests for the dashboard, one at a time: start, change the user count, reset, stop. Each run is a
/// fresh <see cref="LoadTest"/>; its once-a-second snapshots become immutable <see cref="DashboardView"/>s that
/// the event stream reads, so nothing the dashboard does touches the request path.
/// </summary>
internal sealed class DashboardRunner : IAsyncDisposable
{
    private readonly Func<DashboardRunRequest, LoadTestOptions> _options;
    private readonly Func<LoadTestOptions, LoadTest> _create;
    private readonly Func<RunResult, DashboardRunRequest, RunReport> _report;
    private readonly SemaphoreSlim _control = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _viewLock = new();
    private DashboardView _view;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoadTest? _test;
    private Task? _run;
    private RunReport? _lastReport;

    /// <param name="options">The options of a run the form asks for: the command line's, with the form's users, rate, host and run time.</param>
    /// <param name="create">Creates the test; throws <see cref="ArgumentException"/> or <see cref="ScenarioException"/> for unusable settings.</param>
    /// <param name="report">Turns a finished run into the report its downloads are written from.</param>
    /// <param name="thresholds">The thresholds runs are judged by (the command line's <c>--slo</c>), for the view before any run starts.</param>
    public DashboardRunner(
        Func<DashboardRunRequest, LoadTestOptions> options,
        Func<LoadTestOptions, LoadTest> create,
        Func<RunResult, DashboardRunRequest, RunReport> report,
        IReadOnlyList<Threshold> thresholds)
    {
        _options = options;
        _create = create;
        _report = report;
        _view = new DashboardView { Version = 0, RunId = 0, State = DashboardRunState.Ready, Thresholds = thresholds };
    }

    /// <summary>Raised when a run starts (with its request) and when it ends (with its result), for the console.</summary>
    public event Action<DashboardView>? RunChanged;

    /// <summary>The current view.</summary>
    public DashboardView View
    {
        get
        {
            lock (_viewLock)
            {
                return _view;
            }
        }
    }

    /// <summary>The last finished run's report, which the downloads are written from.</summary>
    public RunReport? LastReport => Volatile.Read(ref _lastReport);

    /// <summary>Starts a run; fails with a message when one is going or the settings are unusable.</summary>
    public async Task<string?> StartAsync(DashboardRunRequest request)
    {
        await _control.WaitAsync().ConfigureAwait(false);
        try
        {
            ReapFinished();
            return _test is not null ? "A run is already going: stop it first, or change its user count." : StartLocked(request, request.Users);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Changes the running test's user count (from its next second).</summary>
    public async Task<string?> SetUsersAsync(int users, double? spawnRate)
    {
        await _control.WaitAsync().ConfigureAwait(false);
        try
        {
            ReapFinished();
            if (_test is not { } test || View.State != DashboardRunState.Running)
            {
                return "No run is going: start one first.";
            }

            DashboardRunRequest request = View.Request!;
            double rate = spawnRate ?? request.SpawnRate;
            try
            {
                test.SetUsers(users, rate);
            }
            catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
            {
                return ex.Message;
            }

            Publish(v => v with { TargetUsers = users, Request = request with { Users = users, SpawnRate = rate } });
            return null;
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>
    /// Resets the stats. While a run goes on, it is stopped and a fresh one started at once with the same settings and
    /// the current user count, so every number, table and chart starts again from zero; the users come back within the
    /// first second (not at the spawn rate), as close as a fresh run gets to Locust's reset, which keeps them running.
    /// After a run, it clears the finished run from the page; its downloads stay until the next run.
    /// </summary>
    public async Task<string?> ResetAsync()
    {
        await _control.WaitAsync().ConfigureAwait(false);
        try
        {
            ReapFinished();
            if (_test is null)
            {
                Publish(v => new DashboardView { Version = v.Version, RunId = v.RunId + 1, State = DashboardRunState.Ready, Request = v.Request, Thresholds = v.Thresholds });
                return null;
            }

            DashboardView view = View;
            await StopLockedAsync().ConfigureAwait(false);
            return StartLocked(view.Request!, view.TargetUsers, usersAtOnce: true);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Stops the run and waits until its users stopped and its report is ready.</summary>
    public async Task<string?> StopAsync()
    {
        await _control.WaitAsync().ConfigureAwait(false);
        try
        {
            ReapFinished();
            if (_test is null)
            {
                return "No run is going.";
            }

            await StopLockedAsync().ConfigureAwait(false);
            return null;
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Waits until the view is newer than <paramref name="version"/>, or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForChangeAsync(long version, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_viewLock)
        {
            if (_view.Version != version)
            {
                return;
            }

            changed = _changed.Task;
        }

        try
        {
            await changed.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A quiet second: the caller sends a keep-alive.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _control.WaitAsync().ConfigureAwait(false);
        try
        {
            ReapFinished();
            if (_test is not null)
            {
                await StopLockedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _control.Release();
        }

        _shutdown.Dispose();
        _control.Dispose();
    }

    /// <summary>Forgets a run that ended by itself (its run time elapsed, every user stopped), keeping its view and report.</summary>
    private void ReapFinished()
    {
        if (_run is { IsCompleted: true })
        {
            _test?.Dispose();
            _test = null;
            _run = null;
        }
    }

    /// <param name="request">The run's settings.</param>
    /// <param name="users">Target users.</param>
    /// <param name="usersAtOnce">
    /// After a reset: the users come back within the first second instead of ramping at the spawn rate, as if they had
    /// kept running (Locust's reset keeps them); the spawn rate still applies to later changes of the user count.
    /// </param>
    private string? StartLocked(DashboardRunRequest request, int users, bool usersAtOnce = false)
    {
        request = request with { Users = users };
        LoadTestOptions options;
        LoadTest test;
        try
        {
            options = _options(request);
            if (usersAtOnce && !options.IsOpenModel)
            {
                options.SpawnRate = Math.Max(options.SpawnRate, users);
            }

            test = _create(options);
        }
        catch (Exception ex) when (ex is ArgumentException or ScenarioException)
        {
            return ex.Message;
        }

        _test = test;
        int runId = 0;
        Publish(v =>
        {
            runId = v.RunId + 1;
            // The run's own thresholds: they stop it when an abort one fails, and its result measures them at the end.
            return new DashboardView { Version = v.Version, RunId = runId, State = DashboardRunState.Running, Request = request, TargetUsers = users, Thresholds = options.Thresholds };
        });
        test.SnapshotTaken += snapshot => Publish(v => v.RunId == runId && v.State is DashboardRunState.Running or DashboardRunState.Stopping ? v with { Stats = snapshot } : v);
        _run = RunAsync(test, request, runId);
        RunChanged?.Invoke(View);
        return null;
    }

    private async Task RunAsync(LoadTest test, DashboardRunRequest request, int runId)
    {
        // Off the caller's thread: RunAsync does its warm-up synchronously before its first await.
        RunResult result;
        try
        {
            result = await Task.Run(() => test.RunAsync(_shutdown.Token)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A run that fails must not leave the dashboard "running" forever: the page shows why.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Publish(v => v.RunId == runId ? v with { State = DashboardRunState.Stopped, Message = $"The run failed: {ex.Message}" } : v);
            RunChanged?.Invoke(View);
            return;
        }

        RunReport report = _report(result, View.Request ?? request);
        Volatile.Write(ref _lastReport, report);
        string headline = RunHeadline.Of(RunDocumentMapper.ToDocument(report));
        Publish(v => v.RunId == runId
            ? v with { State = DashboardRunState.Stopped, Stats = result.Stats, Result = result, Headline = headline }
            : v);
        RunChanged?.Invoke(View);
    }

    private async Task StopLockedAsync()
    {
        if (_test is not { } test || _run is not { } run)
        {
            return;
        }

        Publish(v => v.State == DashboardRunState.Running ? v with { State = DashboardRunState.Stopping } : v);
        test.Stop();
        await run.ConfigureAwait(false);
        test.Dispose();
        _test = null;
        _run = null;
    }

    private void Publish(Func<DashboardView, DashboardView> change)
    {
        TaskCompletionSource changed;
        lock (_viewLock)
        {
            DashboardView next = change(_view);
            if (ReferenceEquals(next, _view))
            {
                return;
            }

            _view = next with { Version = _view.Version + 1 };
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
