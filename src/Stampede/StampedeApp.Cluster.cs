using Spectre.Console;
using Stampede.Cli;
using Stampede.Cluster;
using Stampede.Gates;
using Stampede.Load;
using Stampede.Terminal;

namespace Stampede;

/// <summary>A distributed run's coordinator (docs/distributed.md): the agents send the load; this process runs the command line, the dashboard, the checks and every output.</summary>
public static partial class StampedeApp
{
    private static async Task<int> CoordinateAsync(
        LoadTest test,
        CliSettings settings,
        GateInputs gates,
        LoadTestOptions options,
        LoadShape? shape,
        Type[] users,
        Type[] userTypes,
        IAnsiConsole console,
        TextWriter errors,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (time != TimeProvider.System)
        {
            throw new ArgumentException("A distributed run runs on the system clock: its agents are other processes.", nameof(time));
        }

        NatsConnector.NoteSecrets(settings.Cluster);
        PlainConsole.Adapt(console);
        bool info = settings.LogLevel <= LogLevel.Info;
        NatsFleet fleet;
        try
        {
            fleet = await NatsFleet.StartAsync(
                settings.Cluster,
                userTypes,
                options.CpuWarningThresholdPercent,
                line =>
                {
                    if (info)
                    {
                        console.MarkupLine(Markup.Escape(line));
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterException ex)
        {
            test.Dispose();
            await errors.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ClusterFailedExitCode;
        }

        await using (fleet.ConfigureAwait(false))
        {
            fleet.Arguments = CommandLine.ForAgents(settings.EffectiveArguments);
            options.Fleet = fleet;
            if (info)
            {
                console.MarkupLine(Markup.Escape($"Coordinating run '{settings.Cluster.RunId}' on {NatsConnector.Display(settings.Cluster.NatsUrl)}: waiting for {settings.Cluster.ExpectAgents} agent{(settings.Cluster.ExpectAgents == 1 ? string.Empty : "s")} (start each with the same scenario and --agent --nats {NatsConnector.Display(settings.Cluster.NatsUrl)} --run-id {settings.Cluster.RunId})."));
            }

            return await RunAsync(test, settings, gates, options, shape, users, console, errors, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
