using System.Collections;
using System.Text.RegularExpressions;
using Spectre.Console.Testing;
using Stampede.Core.Tests.Infrastructure;

namespace Stampede.Tests.Web;

/// <summary>A scenario app started in-process without --headless, on a free loopback port, and stopped as Ctrl-C would.</summary>
public sealed partial class DashboardHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private DashboardHost(TestConsole console, StringWriter errors)
    {
        Console = console;
        Errors = errors;
    }

    public Task<int> Run { get; private set; } = Task.FromResult(0);

    public TestConsole Console { get; }

    public StringWriter Errors { get; }

    /// <summary>The dashboard's address as the app printed it, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; private set; } = null!;

    public static async Task<DashboardHost> StartAsync(string[] args, params Type[] users)
    {
        var console = new TestConsole();
        console.Profile.Width = 220;
        var errors = new StringWriter();
        var host = new DashboardHost(console, errors);
        CancellationToken stop = host._stop.Token;
        Task<int> run = Task.Run(() => StampedeApp.RunAsync([.. args, "--web-port", "0"], users, console, errors, new Hashtable(), TimeProvider.System, stop));
        host.Run = run;
        Uri? address = null;
        await Eventually.TrueAsync(
            () =>
            {
                if (run.IsCompleted)
                {
                    throw new InvalidOperationException($"The app ended early with {run.Result}: {errors}{console.Output}");
                }

                Match m = PrintedAddress().Match(console.Output);
                address = m.Success ? new Uri(m.Groups[1].Value) : null;
                return address is not null;
            },
            "the app prints the dashboard's address",
            timeoutMs: 20_000);
        host.Address = address!;
        return host;
    }

    /// <summary>Stops the app as Ctrl-C does and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            await _stop.CancelAsync();
            await Run.WaitAsync(TimeSpan.FromSeconds(20));
        }

        _stop.Dispose();
    }

    [GeneratedRegex(@"web dashboard at (http://\S+/) ")]
    private static partial Regex PrintedAddress();
}
