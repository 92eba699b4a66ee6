using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Stampede.Load;
using Stampede.Metrics;
using Stampede.Monitoring;

namespace Stampede.Cluster;

/// <summary>
/// What a coordinator and its agents say to each other over NATS (docs/distributed.md): JSON messages on subjects
/// under <c>stampede.&lt;run-id&gt;.</c>, every one a request that is answered, so nothing is lost silently.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>join</c>: an agent asks to join; the coordinator accepts it or says why not (another scenario or version,
/// a full or started run).</item>
/// <item><c>agent.&lt;name&gt;</c>: the coordinator's requests to one agent: <c>ping</c> (its clock), <c>plan</c>
/// (its share), <c>start</c>, <c>users</c>, <c>rate</c>, <c>replan</c>, <c>stop</c>, <c>quit</c>.</item>
/// <item><c>report</c>: an agent's seconds, numbered; the coordinator answers with the highest number it has taken,
/// and an agent sends a report again until it is taken (a duplicate is answered, never merged twice).</item>
/// <item><c>heartbeat</c>: the coordinator, once a second; an agent that hears neither it nor an answer for
/// <c>--heartbeat-timeout</c> stops its users.</item>
/// </list>
/// Core NATS, not JetStream: reports are acknowledged end to end, so a stream's persistence would add a server-side
/// store and its setup without saving anything the acknowledgements do not (a coordinator that dies takes the run with it).
/// </remarks>
internal static class ClusterProtocol
{
    /// <summary>The protocol's version: a coordinator refuses an agent that speaks another.</summary>
    public const int Version = 1;

    public static string JoinSubject(string runId) => $"stampede.{runId}.join";

    public static string ReportSubject(string runId) => $"stampede.{runId}.report";

    public static string HeartbeatSubject(string runId) => $"stampede.{runId}.heartbeat";

    public static string AgentSubject(string runId, string agent) => $"stampede.{runId}.agent.{agent}";

    /// <summary>This machine's wall clock, Unix ms (to 0.1 µs): what clock offsets are measured on.</summary>
    public static double NowUnixMs() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    /// <summary>The kinds of <see cref="Control"/> request.</summary>
    public static class Kinds
    {
        public const string Ping = "ping";
        public const string Plan = "plan";
        public const string Start = "start";
        public const string Users = "users";
        public const string Rate = "rate";
        public const string Replan = "replan";
        public const string Stop = "stop";
        public const string Quit = "quit";
    }

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ClusterJsonContext.Relaxed.GetTypeInfo(typeof(T))!);

    /// <summary>Reads a message.</summary>
    /// <exception cref="InvalidDataException">The bytes are not the message.</exception>
    public static T Decode<T>(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)ClusterJsonContext.Relaxed.GetTypeInfo(typeof(T))!)
                ?? throw new InvalidDataException($"an empty {typeof(T).Name} message");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"a malformed {typeof(T).Name} message: {e.Message}", e);
        }
    }

    /// <summary>An agent asks to join a run.</summary>
    internal sealed record JoinRequest
    {
        public required int Protocol { get; init; }

        /// <summary>Stampede's version.</summary>
        public required string StampedeVersion { get; init; }

        /// <summary>The scenario's fingerprint (<see cref="ScenarioFingerprint"/>).</summary>
        public required string Scenario { get; init; }

        public required string Name { get; init; }

        public required string Host { get; init; }

        public int ProcessId { get; init; }

        public int Cores { get; init; }
    }

    /// <summary>The coordinator's answer to a <see cref="JoinRequest"/>.</summary>
    internal sealed record JoinReply(bool Accepted, string? Reason);

    /// <summary>A request from the coordinator to one agent.</summary>
    internal sealed record Control
    {
        public required string Kind { get; init; }

        /// <summary>The coordinator's run number (a dashboard starts several runs with the same agents).</summary>
        public int Run { get; init; }

        /// <summary><c>plan</c>: the coordinator's arguments (its load and the scenario's settings, not its credentials).</summary>
        public IReadOnlyList<string>? Arguments { get; init; }

        /// <summary><c>plan</c>: the run's seed.</summary>
        public int Seed { get; init; }

        /// <summary><c>plan</c>, <c>replan</c>: this agent's index.</summary>
        public int Index { get; init; }

        /// <summary><c>plan</c>, <c>replan</c>: the agents sharing the load.</summary>
        public int Count { get; init; }

        /// <summary><c>start</c>: when to start, Unix ms on the agent's own clock (the coordinator's start plus the measured offset).</summary>
        public double StartUnixMs { get; init; }

        /// <summary><c>plan</c>: the run's target (the coordinator's, or its dashboard form's); <see langword="null"/> keeps the arguments'.</summary>
        public string? Host { get; init; }

        /// <summary><c>plan</c>: the run time, s; <see langword="null"/> for none.</summary>
        public double? RunTimeSeconds { get; init; }

        /// <summary><c>plan</c>, <c>users</c>: the whole run's users.</summary>
        public int Users { get; init; }

        /// <summary><c>plan</c>, <c>users</c>: the whole run's spawn rate.</summary>
        public double SpawnRate { get; init; }

        /// <summary><c>rate</c>: the whole schedule's rate.</summary>
        public double Rate { get; init; }

        /// <summary><c>rate</c>, <c>replan</c>: from when, s into the run.</summary>
        public double AtSeconds { get; init; }
    }

    /// <summary>An agent's answer to a <see cref="Control"/>.</summary>
    internal sealed record ControlReply(bool Ok, string? Error, double AgentUnixMs);

    /// <summary>One report of an agent: the seconds it closed since its last report and how it stands.</summary>
    internal sealed record Report
    {
        public required string Agent { get; init; }

        public required int Run { get; init; }

        /// <summary>1, 2, 3… within the run: the coordinator takes them in order, once each.</summary>
        public required long Sequence { get; init; }

        /// <summary>The agent's clock ticks per second (its histograms are µs; its sums are ticks).</summary>
        public required long Frequency { get; init; }

        public double ElapsedSeconds { get; init; }

        public int Users { get; init; }

        public IReadOnlyList<IntervalState> Intervals { get; init; } = [];

        public IReadOnlyList<UserErrorCount> Errors { get; init; } = [];

        /// <summary>The agent's generator totals so far (samples and warnings are sent once each, below).</summary>
        public required GeneratorHealth Health { get; init; }

        public IReadOnlyList<GeneratorSample> Samples { get; init; } = [];

        public IReadOnlyList<GeneratorWarning> GeneratorWarnings { get; init; } = [];

        public IReadOnlyList<RunWarning> RunWarnings { get; init; } = [];

        /// <summary>Open model: the agent's schedule counters so far.</summary>
        public FleetArrivals? Arrivals { get; init; }

        /// <summary>The agent's run ended: nothing follows.</summary>
        public bool Final { get; init; }

        public StopReason? StopReason { get; init; }

        /// <summary>With the last report of an agent that stopped on its own: why (its coordinator went silent, Ctrl-C).</summary>
        public string? EndReason { get; init; }
    }

    /// <summary>The coordinator's answer to a <see cref="Report"/>.</summary>
    /// <param name="Taken">The highest sequence number taken: everything up to it is merged or queued for it.</param>
    /// <param name="Stop">The agent is not (or no longer) in the run: it stops its users.</param>
    /// <param name="Reason">Why, when <paramref name="Stop"/>.</param>
    internal sealed record ReportAck(long Taken, bool Stop, string? Reason);

    /// <summary>The coordinator is alive.</summary>
    internal sealed record Heartbeat(int Run, double CoordinatorUnixMs);
}

/// <summary>Source-generated metadata for the cluster's messages.</summary>
[JsonSerializable(typeof(ClusterProtocol.JoinRequest))]
[JsonSerializable(typeof(ClusterProtocol.JoinReply))]
[JsonSerializable(typeof(ClusterProtocol.Control))]
[JsonSerializable(typeof(ClusterProtocol.ControlReply))]
[JsonSerializable(typeof(ClusterProtocol.Report))]
[JsonSerializable(typeof(ClusterProtocol.ReportAck))]
[JsonSerializable(typeof(ClusterProtocol.Heartbeat))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false, UseStringEnumConverter = true)]
internal sealed partial class ClusterJsonContext : JsonSerializerContext
{
    /// <summary>The metadata the cluster's messages use.</summary>
    public static ClusterJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    });
}
