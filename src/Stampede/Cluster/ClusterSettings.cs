namespace Stampede.Cluster;

/// <summary>What the command line asked of a distributed run (docs/distributed.md).</summary>
internal sealed record ClusterSettings
{
    /// <summary>A run on one machine.</summary>
    public static ClusterSettings None { get; } = new();

    /// <summary>The NATS server when none is given.</summary>
    public const string DefaultNatsUrl = "nats://127.0.0.1:4222";

    /// <summary>The run id when none is given.</summary>
    public const string DefaultRunId = "default";

    /// <summary>How long a coordinator waits for its agents by default.</summary>
    public static readonly TimeSpan DefaultExpectAgentsTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long an agent waits without hearing its coordinator before it stops its users, by default.</summary>
    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How long the coordinator waits without a report from an agent before it counts the agent lost, by default.</summary>
    public static readonly TimeSpan DefaultAgentTimeout = TimeSpan.FromSeconds(10);

    /// <summary>This process's role.</summary>
    public ClusterRole Role { get; init; }

    /// <summary><c>--nats</c>: the server's URL, credentials left in (they are taken out before it is shown).</summary>
    public string NatsUrl { get; init; } = DefaultNatsUrl;

    /// <summary><c>--run-id</c>: the prefix of the run's subjects, so several runs can share one NATS server.</summary>
    public string RunId { get; init; } = DefaultRunId;

    /// <summary><c>--expect-agents</c>: agents the coordinator waits for before it starts.</summary>
    public int ExpectAgents { get; init; } = 1;

    /// <summary><c>--expect-agents-timeout</c>: how long the coordinator waits for them, and an agent for a coordinator.</summary>
    public TimeSpan ExpectAgentsTimeout { get; init; } = DefaultExpectAgentsTimeout;

    /// <summary><c>--agent-name</c>; <see langword="null"/>: the host name and process id.</summary>
    public string? AgentName { get; init; }

    /// <summary><c>--heartbeat-timeout</c>: the coordinator's silence after which an agent stops its users (the time the agent could listen; see ClusterAgent).</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = DefaultHeartbeatTimeout;

    /// <summary>
    /// <c>--agent-timeout</c>: an agent's silence after which the coordinator counts it lost. Longer than the heartbeat
    /// timeout: an agent starting thousands of users at once on a busy machine may send nothing for seconds and still be
    /// sending load, while an agent whose coordinator is gone must stop soon.
    /// </summary>
    public TimeSpan AgentTimeout { get; init; } = DefaultAgentTimeout;

    /// <summary><c>--allow-agent-loss</c>: a lost agent does not make the run INVALID.</summary>
    public bool AllowAgentLoss { get; init; }

    /// <summary><c>--replan-lost</c>: a lost agent's share moves to the other agents from the next second.</summary>
    public bool ReplanLost { get; init; }

    /// <summary>How to prove who this process is to the NATS server, and how to check the server.</summary>
    public NatsCredentials Credentials { get; init; } = new();
}

/// <summary>A process's part in a distributed run.</summary>
internal enum ClusterRole
{
    /// <summary>A run on one machine.</summary>
    None,

    /// <summary><c>--coordinator</c> (Locust's <c>--master</c>): holds the command line, the dashboard, the checks and every output; sends no load.</summary>
    Coordinator,

    /// <summary><c>--agent</c> (Locust's <c>--worker</c>): runs its share of the users and reports each second.</summary>
    Agent,
}

/// <summary>
/// NATS credentials and TLS, from flags or <c>STAMPEDE_NATS_*</c> variables; never written to an output, a log or a
/// report (each value is a secret of the run).
/// </summary>
internal sealed record NatsCredentials
{
    /// <summary><c>--nats-token</c>.</summary>
    public string? Token { get; init; }

    /// <summary><c>--nats-user</c>.</summary>
    public string? User { get; init; }

    /// <summary><c>--nats-password</c>.</summary>
    public string? Password { get; init; }

    /// <summary><c>--nats-nkey</c>: a file holding an NKey seed (<c>SU…</c>).</summary>
    public string? NKeyFile { get; init; }

    /// <summary><c>--nats-creds</c>: a <c>.creds</c> file (a user JWT and its NKey seed).</summary>
    public string? CredsFile { get; init; }

    /// <summary><c>--nats-ca</c>: the CA that signed the server's certificate (TLS is then required).</summary>
    public string? CaFile { get; init; }

    /// <summary><c>--nats-cert</c>: a client certificate, for servers that verify clients.</summary>
    public string? CertFile { get; init; }

    /// <summary><c>--nats-key</c>: the client certificate's key.</summary>
    public string? KeyFile { get; init; }
}
