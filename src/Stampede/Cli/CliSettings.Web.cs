namespace Stampede.Cli;

/// <summary>The web dashboard's settings.</summary>
internal sealed partial record CliSettings
{
    /// <summary><c>--web-host</c>: the address the dashboard binds to.</summary>
    public string WebHost { get; init; } = Web.DashboardOptions.DefaultHost;

    /// <summary><c>--web-port</c>: the dashboard's port; 0 picks a free one.</summary>
    public int WebPort { get; init; } = Web.DashboardOptions.DefaultPort;

    /// <summary><c>--web-auth user:password</c>, or <see langword="null"/>.</summary>
    public string? WebAuth { get; init; }

    /// <summary><c>--autostart</c>: start a run as soon as the dashboard is up.</summary>
    public bool Autostart { get; init; }
}
