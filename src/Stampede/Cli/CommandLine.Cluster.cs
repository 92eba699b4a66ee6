using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Stampede.Cluster;

namespace Stampede.Cli;

/// <summary>
/// The flags of a distributed run (docs/distributed.md): the coordinator's and the agents' roles, the NATS server they
/// meet on, and its credentials. Locust's <c>--master</c>, <c>--worker</c>, <c>--expect-workers</c>,
/// <c>--expect-workers-max-wait</c> and <c>--master-host</c> are accepted as aliases.
/// </summary>
internal sealed partial class CommandLine
{
    private readonly Option<bool> _coordinator = new("--coordinator", "--master")
    {
        Description = "Coordinate a distributed run: wait for --expect-agents agents on the NATS server, give each its share, merge what they send and write every output; this process sends no load.",
    };

    private readonly Option<bool> _agent = new("--agent", "--worker")
    {
        Description = "Be an agent of a distributed run: join the coordinator on the NATS server (--nats, --run-id), run the share of the users it gives, report each second. The load settings come from the coordinator.",
    };

    private readonly Option<int?> _expectAgents = new("--expect-agents", "--expect-workers")
    {
        Description = "Coordinator: agents to wait for before the run starts (default 1).",
    };

    private readonly Option<TimeSpan?> _expectAgentsTimeout = new("--expect-agents-timeout", "--expect-workers-max-wait")
    {
        Description = "How long the coordinator waits for its agents, and an agent for its coordinator (default 2m).",
    };

    private readonly Option<string?> _nats = new("--nats")
    {
        Description = "The NATS server the coordinator and agents meet on (default nats://127.0.0.1:4222; tls:// for TLS). Never use a server open to the internet: an agent runs what its coordinator asks.",
    };

    private readonly Option<string?> _masterHost = new("--master-host")
    {
        Description = "Locust's name: the host of the NATS server (nats://HOST:4222), where --nats is not given.",
    };

    private readonly Option<string?> _runId = new("--run-id")
    {
        Description = "The run's name on the NATS server (default 'default'): runs with different ids share one server without seeing each other. Letters, digits, - and _.",
    };

    private readonly Option<string?> _agentName = new("--agent-name")
    {
        Description = "Agent: its name in the coordinator's tables (default: host name and process id).",
    };

    private readonly Option<TimeSpan?> _heartbeatTimeout = new("--heartbeat-timeout")
    {
        Description = "Agent: the coordinator's silence after which it stops its users and exits 4 (default 3s).",
    };

    private readonly Option<TimeSpan?> _agentTimeout = new("--agent-timeout")
    {
        Description = "Coordinator: an agent's silence after which it counts as lost (default 10s).",
    };

    private readonly Option<bool> _allowAgentLoss = new("--allow-agent-loss")
    {
        Description = "Coordinator: a lost agent is reported but does not make the run INVALID.",
    };

    private readonly Option<bool> _replanLost = new("--replan-lost")
    {
        Description = "Coordinator: a lost agent's share moves to the other agents from the next second (still INVALID unless --allow-agent-loss).",
    };

    private readonly Option<string?> _natsToken = new("--nats-token") { Description = "NATS token (STAMPEDE_NATS_TOKEN keeps it out of the process list)." };

    private readonly Option<string?> _natsUser = new("--nats-user") { Description = "NATS user name (with --nats-password)." };

    private readonly Option<string?> _natsPassword = new("--nats-password") { Description = "NATS password (STAMPEDE_NATS_PASSWORD keeps it out of the process list)." };

    private readonly Option<string?> _natsNKey = new("--nats-nkey") { Description = "A file holding the NKey seed NATS knows this process by." };

    private readonly Option<string?> _natsCreds = new("--nats-creds") { Description = "A NATS .creds file (user JWT and NKey seed)." };

    private readonly Option<string?> _natsCa = new("--nats-ca") { Description = "The CA certificate (PEM) that signed the NATS server's: TLS is then required and the server checked." };

    private readonly Option<string?> _natsCert = new("--nats-cert") { Description = "A client certificate (PEM) for a NATS server that verifies clients (with --nats-key)." };

    private readonly Option<string?> _natsKey = new("--nats-key") { Description = "The key (PEM) of --nats-cert." };

    private Option[] ClusterOptions =>
    [
        _coordinator, _agent, _expectAgents, _expectAgentsTimeout, _nats, _masterHost, _runId, _agentName, _heartbeatTimeout, _agentTimeout,
        _allowAgentLoss, _replanLost, _natsToken, _natsUser, _natsPassword, _natsNKey, _natsCreds, _natsCa, _natsCert, _natsKey,
    ];

    /// <summary>The flags a coordinator keeps to itself when it sends its arguments to its agents (its role, its NATS server and credentials, its dashboard's password), and whether each takes a value.</summary>
    private static readonly Dictionary<string, bool> CoordinatorOnlyFlags = new(StringComparer.Ordinal)
    {
        ["--coordinator"] = false, ["--master"] = false, ["--allow-agent-loss"] = false, ["--replan-lost"] = false,
        ["--expect-agents"] = true, ["--expect-workers"] = true, ["--expect-agents-timeout"] = true, ["--expect-workers-max-wait"] = true,
        ["--nats"] = true, ["--master-host"] = true, ["--run-id"] = true, ["--heartbeat-timeout"] = true, ["--agent-timeout"] = true,
        ["--nats-token"] = true, ["--nats-user"] = true, ["--nats-password"] = true, ["--nats-nkey"] = true, ["--nats-creds"] = true,
        ["--nats-ca"] = true, ["--nats-cert"] = true, ["--nats-key"] = true,

        // The dashboard is the coordinator's: its password has no business on an agent.
        ["--web-auth"] = true,
    };

    /// <summary>
    /// What a coordinator sends its agents: its effective arguments without its own role and its NATS settings, so an
    /// agent parses the same load and scenario settings and never sees the coordinator's credentials.
    /// </summary>
    internal static IReadOnlyList<string> ForAgents(IReadOnlyList<string> arguments)
    {
        var kept = new List<string>(arguments.Count);
        for (int i = 0; i < arguments.Count; i++)
        {
            string arg = arguments[i];
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string flag = equals > 0 ? arg[..equals] : arg;
            if (!CoordinatorOnlyFlags.TryGetValue(flag, out bool takesValue))
            {
                kept.Add(arg);
                continue;
            }

            if (equals > 0)
            {
                continue;
            }

            bool next = i + 1 < arguments.Count;
            if (takesValue ? next : next && arguments[i + 1] is "true" or "false" or "True" or "False")
            {
                i++;
            }
        }

        return kept;
    }

    private void ConfigureClusterOptions()
    {
        _expectAgents.CustomParser = r => ParseInt(r, "--expect-agents", min: 1, "a whole number of agents, 1 or more", max: 10_000);
        _expectAgentsTimeout.CustomParser = r => ParsePositiveDuration(r, "--expect-agents-timeout");
        _heartbeatTimeout.CustomParser = r => ParsePositiveDuration(r, "--heartbeat-timeout");
        _agentTimeout.CustomParser = r => ParsePositiveDuration(r, "--agent-timeout");
        _nats.Validators.Add(ValidateNats);
        _runId.Validators.Add(r => ValidateToken(r, "--run-id"));
        _agentName.Validators.Add(r => ValidateToken(r, "--agent-name"));
    }

    private CliSettings WithCluster(CliSettings settings, ParseResult result)
    {
        bool coordinator = result.GetValue(_coordinator);
        bool agent = result.GetValue(_agent);
        string? url = result.GetValue(_nats) ?? (result.GetValue(_masterHost) is { } host ? $"nats://{host}:4222" : null);
        return settings with
        {
            Cluster = !coordinator && !agent ? ClusterSettings.None : new ClusterSettings
            {
                Role = coordinator ? ClusterRole.Coordinator : ClusterRole.Agent,
                NatsUrl = url ?? ClusterSettings.DefaultNatsUrl,
                RunId = result.GetValue(_runId) ?? ClusterSettings.DefaultRunId,
                ExpectAgents = result.GetValue(_expectAgents) ?? 1,
                ExpectAgentsTimeout = result.GetValue(_expectAgentsTimeout) ?? ClusterSettings.DefaultExpectAgentsTimeout,
                AgentName = result.GetValue(_agentName),
                HeartbeatTimeout = result.GetValue(_heartbeatTimeout) ?? ClusterSettings.DefaultHeartbeatTimeout,
                AgentTimeout = result.GetValue(_agentTimeout) ?? ClusterSettings.DefaultAgentTimeout,
                AllowAgentLoss = result.GetValue(_allowAgentLoss),
                ReplanLost = result.GetValue(_replanLost),
                Credentials = new NatsCredentials
                {
                    Token = result.GetValue(_natsToken),
                    User = result.GetValue(_natsUser),
                    Password = result.GetValue(_natsPassword),
                    NKeyFile = result.GetValue(_natsNKey),
                    CredsFile = result.GetValue(_natsCreds),
                    CaFile = result.GetValue(_natsCa),
                    CertFile = result.GetValue(_natsCert),
                    KeyFile = result.GetValue(_natsKey),
                },
            },
        };
    }

    /// <summary>Flags that contradict a distributed run's roles.</summary>
    private void ClusterConflicts(CliSettings settings, ParseResult result, IReadOnlyList<string> args, List<string> conflicts)
    {
        ClusterRole role = settings.Cluster.Role;
        if (result.GetValue(_coordinator) && result.GetValue(_agent))
        {
            conflicts.Add("--coordinator and --agent: a process is one or the other; start the agents as separate processes.");
            return;
        }

        if (role != ClusterRole.Coordinator)
        {
            foreach (Option coordinatorOnly in new Option[] { _expectAgents, _allowAgentLoss, _replanLost, _agentTimeout })
            {
                if (result.GetResult(coordinatorOnly) is { Implicit: false })
                {
                    conflicts.Add($"{coordinatorOnly.Name} applies to a distributed run's coordinator: add --coordinator.");
                }
            }
        }

        if (role == ClusterRole.None)
        {
            foreach (Option clusterOnly in new Option[] { _nats, _masterHost, _runId, _agentName, _heartbeatTimeout, _expectAgentsTimeout })
            {
                if (Given(args, clusterOnly))
                {
                    conflicts.Add($"{clusterOnly.Name} applies to a distributed run: add --coordinator (or --agent).");
                }
            }

            return;
        }

        if (role == ClusterRole.Agent)
        {
            // The load is the coordinator's to set; a flag given to an agent would be silently overruled.
            foreach (Option load in new Option[] { _host, _users, _spawnRate, _runTime, _stages, _rate, _rateStages, _arrivals, _seed, _tags, _excludeTags })
            {
                if (Given(args, load))
                {
                    conflicts.Add($"{load.Name} sets the load, which an agent takes from its coordinator: give it to the coordinator (--coordinator) instead.");
                }
            }
        }

        if (settings.Cluster.Credentials is { User: not null, Password: null } or { User: null, Password: not null })
        {
            conflicts.Add("--nats-user and --nats-password go together: give both (or neither).");
        }

        if (settings.Cluster.Credentials is { CertFile: not null, KeyFile: null } or { CertFile: null, KeyFile: not null })
        {
            conflicts.Add("--nats-cert and --nats-key go together: give both (or neither).");
        }
    }

    private static void ValidateNats(OptionResult r)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (!Uri.TryCreate(token, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("nats" or "tls") || uri.Port is 0)
        {
            r.AddError($"--nats: '{Security.Secrets.Redact(token)}' is not valid; give a NATS URL such as nats://127.0.0.1:4222 (tls:// for TLS).");
        }
    }

    private static void ValidateToken(OptionResult r, string flag)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (token.Length is 0 or > 64 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            r.AddError(string.Create(CultureInfo.InvariantCulture, $"--{flag.TrimStart('-')}: '{token}' is not valid; give 1 to 64 letters, digits, '-' or '_' (it becomes part of NATS subjects)."));
        }
    }
}
