using System.Collections;
using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Spectre.Console;
using Stampede.Llm;
using Stampede.Tool.Llm;

namespace Stampede.Tool.Commands;

/// <summary>
/// <c>stampede llm --base-url URL [flags]</c>: benchmarks an OpenAI-compatible server without a scenario file. Its own
/// flags say what to send (model, endpoint, prompt and output lengths or a dataset); every other flag is a scenario
/// flag (<c>--users</c>, <c>--rate</c>, <c>--run-time</c>, <c>--slo</c>, <c>--goodput</c>, <c>--json</c>, <c>--html</c> …)
/// and goes to the run unchanged. Headless unless <c>--web</c>; one minute unless <c>--run-time</c>. See docs/llm.md.
/// </summary>
internal static class LlmCommand
{
    /// <summary>The command's name.</summary>
    public const string Name = "llm";

    /// <summary>The prompt length when <c>--prompt-tokens</c> is not given (vLLM's random dataset defaults to 1024).</summary>
    public const string DefaultPromptTokens = "512";

    /// <summary>The output length when <c>--output-tokens</c> is not given (vLLM's random dataset's default).</summary>
    public const string DefaultOutputTokens = "128";

    /// <summary>How long a run lasts without <c>--run-time</c>.</summary>
    public const string DefaultRunTime = "1m";

    private const string BaseUrlFlag = "--base-url";
    private const string ModelFlag = "--model";
    private const string EndpointFlag = "--endpoint";
    private const string PromptTokensFlag = "--prompt-tokens";
    private const string OutputTokensFlag = "--output-tokens";
    private const string DatasetFlag = "--dataset";
    private const string TokenizerFlag = "--tokenizer";
    private const string IgnoreEosFlag = "--ignore-eos";
    private const string WebFlag = "--web";

    private static readonly string[] ValueFlags = [BaseUrlFlag, ModelFlag, EndpointFlag, PromptTokensFlag, OutputTokensFlag, DatasetFlag, TokenizerFlag];
    private static readonly string[] SwitchFlags = [IgnoreEosFlag, WebFlag];

    /// <summary>The command as help shows it; <see cref="TrySplit"/> reads its command lines before the parser does.</summary>
    public static Command Create()
    {
        var command = new Command(Name, "Benchmark an OpenAI-compatible LLM server (vLLM, TGI, SGLang, Ollama …) without a scenario file. Every scenario flag also works: --users, --rate, --run-time (default 1m), --slo, --goodput, --find-capacity, --json, --html, --csv.")
        {
            new Option<string>(BaseUrlFlag) { Description = "The server, e.g. http://127.0.0.1:8000 (a trailing /v1 is fine). Required.", Required = true },
            new Option<string>(ModelFlag) { Description = "The model to ask for; without it, the first of GET /v1/models (or none)." },
            new Option<string>(EndpointFlag) { Description = "chat (default: /v1/chat/completions), completions (/v1/completions), or a path." },
            new Option<string>(PromptTokensFlag) { Description = $"Prompt length in tokens: 512, 512:128 (normal, sd 128), uniform:256-768, normal:512,128, lognormal:512,128 (default {DefaultPromptTokens})." },
            new Option<string>(OutputTokensFlag) { Description = $"max_tokens of each request, the same forms (default {DefaultOutputTokens}; with --dataset, the reference answers' lengths)." },
            new Option<string>(DatasetFlag) { Description = "Conversations instead of generated prompts: a JSONL or JSON file in ShareGPT, OpenAI messages or {\"prompt\":…} form." },
            new Option<string>(TokenizerFlag) { Description = "Sizes the prompts and counts tokens the server does not report: cl100k_base (default), o200k_base, or a model name such as gpt-4o." },
            new Option<bool>(IgnoreEosFlag) { Description = "Send ignore_eos: true, so vLLM and SGLang generate exactly max_tokens." },
            new Option<bool>(WebFlag) { Description = "Run with the web dashboard instead of headless." },
        };
        command.SetAction(_ => 0);
        return command;
    }

    /// <summary>
    /// Reads <c>llm …</c> without the parser, so that the scenario's flags pass through: its own flags (<c>--flag value</c>
    /// or <c>--flag=value</c>) into the settings, every other argument in order into <see cref="LlmSettings.ScenarioArguments"/>.
    /// </summary>
    /// <returns>Null when the command line is not <c>llm</c>, or asks for help; else the settings or what is wrong.</returns>
    public static (LlmSettings? Settings, string? Error)? TrySplit(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0] != Name || args.Skip(1).Any(a => a is "--help" or "-h" or "-?"))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var switches = new HashSet<string>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string flag = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
            if (ValueFlags.Contains(flag))
            {
                string? value = equals > 0 && flag.Length < arg.Length ? arg[(equals + 1)..] : i + 1 < args.Count ? args[++i] : null;
                if (string.IsNullOrWhiteSpace(value) || (equals < 0 && value.StartsWith("--", StringComparison.Ordinal)))
                {
                    return (null, $"{flag} needs a value, e.g. {Example(flag)}.");
                }

                if (!values.TryAdd(flag, value))
                {
                    return (null, $"{flag} was given twice; give it once.");
                }
            }
            else if (SwitchFlags.Contains(arg))
            {
                switches.Add(arg);
            }
            else if (flag is "--host" or "-H")
            {
                return (null, $"{flag}: stampede llm takes the server as {BaseUrlFlag} URL (it becomes the run's host).");
            }
            else
            {
                rest.Add(arg);
            }
        }

        if (!values.TryGetValue(BaseUrlFlag, out string? baseUrl))
        {
            return (null, $"{BaseUrlFlag} is required: the OpenAI-compatible server, e.g. {BaseUrlFlag} http://127.0.0.1:8000.");
        }

        if (values.ContainsKey(DatasetFlag) && values.ContainsKey(PromptTokensFlag))
        {
            return (null, $"{DatasetFlag} and {PromptTokensFlag} were both given: a dataset brings its own prompts; drop one of them.");
        }

        return (new LlmSettings
        {
            BaseUrl = baseUrl,
            Model = values.GetValueOrDefault(ModelFlag),
            Endpoint = values.GetValueOrDefault(EndpointFlag) ?? "chat",
            PromptTokens = values.GetValueOrDefault(PromptTokensFlag),
            OutputTokens = values.GetValueOrDefault(OutputTokensFlag),
            Dataset = values.GetValueOrDefault(DatasetFlag),
            Tokenizer = values.GetValueOrDefault(TokenizerFlag) ?? "cl100k_base",
            IgnoreEos = switches.Contains(IgnoreEosFlag),
            Web = switches.Contains(WebFlag),
            ScenarioArguments = rest,
        }, null);
    }

    /// <summary>Runs the benchmark: prepares the prompts and the scenario flags, then runs <see cref="LlmBenchUser"/> as any scenario runs.</summary>
    /// <returns>The run's exit code (as for any scenario), or 2 for bad usage.</returns>
    public static async Task<int> RunAsync(LlmSettings settings, IAnsiConsole console, TextWriter errors, IDictionary environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(environment);

        (LlmBenchPlan? plan, string? host, string? problem) = await PlanAsync(settings, environment, errors, cancellationToken).ConfigureAwait(false);
        if (plan is null)
        {
            return await StampedeApp.UsageErrorAsync(errors, [problem!]).ConfigureAwait(false);
        }

        LlmBenchPlan.Use(plan);
        StampedeApp.SummaryExtension.Value = LlmBenchSummary.Render;
        AppContext.SetData(Stampede.Cli.UsageName.AppContextKey, "stampede llm");
        return await StampedeApp.RunAsync([.. ScenarioArguments(settings, host!)], [typeof(LlmBenchUser)], console, errors, environment, TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The scenario's flags: the host, what the user gave, then <c>--headless</c> and <c>--run-time 1m</c> unless given or out of place.</summary>
    internal static IEnumerable<string> ScenarioArguments(LlmSettings settings, string host)
    {
        ArgumentNullException.ThrowIfNull(settings);
        IReadOnlyList<string> given = settings.ScenarioArguments;
        bool Has(params string[] flags) => given.Any(a => flags.Any(f => a == f || a.StartsWith(f + "=", StringComparison.Ordinal)));

        yield return "--host";
        yield return host;
        foreach (string arg in given)
        {
            yield return arg;
        }

        if (!settings.Web && !Has("--headless"))
        {
            yield return "--headless";
        }

        // Experiments and stages end by themselves; a plain run would otherwise last until Ctrl-C.
        if (!Has("--run-time", "-t", "--find-capacity", "--stress", "--rate-stages", "--stages"))
        {
            yield return "--run-time";
            yield return DefaultRunTime;
        }
    }

    /// <summary>
    /// Splits a base URL into the run's host and the API's path: <c>http://h:8000/v1</c> and <c>http://h:8000</c> both give
    /// host <c>http://h:8000</c> and <c>/v1/chat/completions</c>; a prefix before <c>/v1</c> stays in the host.
    /// </summary>
    internal static (string Host, string Path)? SplitBaseUrl(string baseUrl, string endpoint, out bool chat)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(endpoint);
        chat = endpoint is "chat" || endpoint.EndsWith("/chat/completions", StringComparison.Ordinal);
        if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0)
        {
            return null;
        }

        string prefix = uri.AbsolutePath.TrimEnd('/');
        if (prefix.EndsWith("/v1", StringComparison.Ordinal))
        {
            prefix = prefix[..^3];
        }

        string host = uri.GetLeftPart(UriPartial.Authority) + prefix;
        string path = endpoint switch
        {
            "chat" => "/v1/chat/completions",
            "completions" => "/v1/completions",
            _ => endpoint,
        };
        return (host, path);
    }

    private static async Task<(LlmBenchPlan? Plan, string? Host, string? Problem)> PlanAsync(LlmSettings settings, IDictionary environment, TextWriter errors, CancellationToken cancellationToken)
    {
        if (settings.Endpoint is not ("chat" or "completions") && !settings.Endpoint.StartsWith('/'))
        {
            return (null, null, $"{EndpointFlag} '{settings.Endpoint}' is not chat, completions or a path such as /v1/completions.");
        }

        if (SplitBaseUrl(settings.BaseUrl, settings.Endpoint, out bool chat) is not { } split)
        {
            return (null, null, $"{BaseUrlFlag} '{settings.BaseUrl}' is not an http:// or https:// URL such as http://127.0.0.1:8000.");
        }

        LlmTokenizer tokenizer;
        TokenLength? prompts = null;
        TokenLength? outputs = null;
        try
        {
            tokenizer = LlmTokenizer.Get(settings.Tokenizer);
            if (settings.Dataset is null)
            {
                prompts = TokenLength.Parse(settings.PromptTokens ?? DefaultPromptTokens);
            }

            if (settings.OutputTokens is not null || settings.Dataset is null)
            {
                outputs = TokenLength.Parse(settings.OutputTokens ?? DefaultOutputTokens);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return (null, null, ex.Message);
        }

        Feeder<LlmConversation>? dataset = null;
        if (settings.Dataset is { } path)
        {
            try
            {
                dataset = LlmDatasets.Load(path, tokenizer);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                return (null, null, $"{DatasetFlag} '{path}': {ex.Message}");
            }
        }

        string? model = settings.Model
            ?? (environment["LLM_MODEL"] is string { Length: > 0 } fromEnvironment ? fromEnvironment : null)
            ?? await DiscoverModelAsync(split.Host, errors, cancellationToken).ConfigureAwait(false);

        var plan = new LlmBenchPlan
        {
            Chat = chat,
            Path = split.Path,
            Model = model,
            Prompts = prompts is null ? null : new PromptGenerator(prompts, outputs!, tokenizer),
            Dataset = dataset,
            DatasetOutputTokens = dataset is null ? null : outputs,
            IgnoreEos = settings.IgnoreEos,
            Tokenizer = tokenizer,
        };
        return (plan, split.Host, null);
    }

    /// <summary>The first model of <c>GET /v1/models</c>, as vLLM's benchmark finds it; null (and a note) when the server does not say.</summary>
    private static async Task<string?> DiscoverModelAsync(string host, TextWriter errors, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using JsonDocument? models = await client.GetFromJsonAsync<JsonDocument>(host + "/v1/models", cancellationToken).ConfigureAwait(false);
            if (models?.RootElement.TryGetProperty("data", out JsonElement data) == true && data.ValueKind == JsonValueKind.Array
                && data.GetArrayLength() > 0 && data[0].TryGetProperty("id", out JsonElement id) && id.GetString() is { Length: > 0 } name)
            {
                return name;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or NotSupportedException)
        {
            await errors.WriteLineAsync($"note: no {ModelFlag} given and GET {host}/v1/models did not answer ({ex.Message}); the requests name no model, so the server's default answers.").ConfigureAwait(false);
            return null;
        }

        await errors.WriteLineAsync($"note: no {ModelFlag} given and GET {host}/v1/models lists none; the requests name no model, so the server's default answers.").ConfigureAwait(false);
        return null;
    }

    private static string Example(string flag) => flag switch
    {
        BaseUrlFlag => "--base-url http://127.0.0.1:8000",
        ModelFlag => "--model meta-llama/Llama-3.1-8B-Instruct",
        EndpointFlag => "--endpoint completions",
        PromptTokensFlag => "--prompt-tokens 512:128",
        OutputTokensFlag => "--output-tokens 128",
        DatasetFlag => "--dataset sharegpt.json",
        _ => "--tokenizer o200k_base",
    };
}
