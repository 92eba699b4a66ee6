using Stampede.Http;
using Stampede.Llm;

namespace Stampede;

/// <summary>A virtual user that talks HTTP through its own <see cref="Client"/>, which times and records every request.</summary>
/// <remarks>
/// Each user owns its connections (keep-alive, like a real client), so a crowd of users opens a crowd
/// of connections; <c>--shared-connections</c> makes all users share one pool instead.
/// </remarks>
public abstract class HttpUser : User
{
    private HttpSession? _client;
    private LlmClient? _llm;
    private TimeProvider _time = TimeProvider.System;

    /// <summary>This user's HTTP client; requests made through it are recorded.</summary>
    public HttpSession Client => _client ?? throw new InvalidOperationException(
        $"{GetType().Name}.Client is available from OnStartAsync on, not in the constructor.");

    /// <summary>An OpenAI-compatible LLM client over <see cref="Client"/>: <c>ChatAsync</c>, <c>CompleteAsync</c>, streamed and timed.</summary>
    /// <remarks>Made on first use: a user that never calls an LLM carries none (nor its tokenizer's 12 MB, loaded once per process).</remarks>
    public LlmClient Llm => _llm ??= _client is null
        ? throw new InvalidOperationException($"{GetType().Name}.Llm is available from OnStartAsync on, not in the constructor.")
        : new LlmClient(_client, _time);

    /// <summary>The HTTP version this class asks for, overriding <c>--http-version</c>; <see langword="null"/> to use the run's.</summary>
    /// <value><see langword="null"/>.</value>
    public virtual Version? HttpVersion => null;

    internal override void Attach(UserContext context)
    {
        base.Attach(context);
        string host = Host ?? context.Settings.Host
            ?? throw new InvalidOperationException($"{GetType().Name} needs a host: pass --host or override Host.");
        _client = new HttpSession(new Uri(host, UriKind.Absolute), context, HttpVersion ?? context.Settings.HttpVersion);
        _time = context.Time;
        _llm = null;
    }

    /// <summary>The secret headers a user set in <see cref="User.OnStartAsync"/> are secrets from then on, before any text can carry one.</summary>
    internal override void Started() => _client?.NoteSecretHeaders();

    internal override void Detach()
    {
        _client?.Dispose();
        base.Detach();
    }
}
