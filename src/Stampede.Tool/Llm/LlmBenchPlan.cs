using Stampede.Llm;

namespace Stampede.Tool.Llm;

/// <summary>
/// What every <see cref="LlmBenchUser"/> of one <c>stampede llm</c> run sends: the endpoint, the model and where the
/// prompts come from (generated to token-length distributions, or a dataset of conversations).
/// </summary>
internal sealed class LlmBenchPlan
{
    private static readonly AsyncLocal<LlmBenchPlan?> s_flowing = new();
    private static volatile LlmBenchPlan? s_process;

    /// <summary>The plan of the run in progress: the one set on this flow, else the process's last.</summary>
    /// <remarks>
    /// The flow's copy keeps runs side by side in one process apart (the tests); the process's copy reaches users that
    /// the web dashboard starts from its own request handlers, which do not inherit the flow.
    /// </remarks>
    public static LlmBenchPlan? Current => s_flowing.Value ?? s_process;

    /// <summary>Sends to the chat API (messages) rather than the completions API (a prompt).</summary>
    public required bool Chat { get; init; }

    /// <summary>The API's path, e.g. <c>/v1/chat/completions</c>, relative to the host.</summary>
    public required string Path { get; init; }

    /// <summary>The model asked for; null to send none.</summary>
    public string? Model { get; init; }

    /// <summary>Generated prompts; null when <see cref="Dataset"/> is set.</summary>
    public PromptGenerator? Prompts { get; init; }

    /// <summary>Conversations from a file; null when <see cref="Prompts"/> is set.</summary>
    public Feeder<LlmConversation>? Dataset { get; init; }

    /// <summary>With a dataset: <c>max_tokens</c> drawn from this distribution instead of the reference answers' lengths.</summary>
    public TokenLength? DatasetOutputTokens { get; init; }

    /// <summary>Sends <c>ignore_eos: true</c>.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>The tokenizer that counts what the server does not report.</summary>
    public required LlmTokenizer Tokenizer { get; init; }

    /// <summary>Makes <paramref name="plan"/> the current one, for this flow and for the process.</summary>
    public static void Use(LlmBenchPlan plan)
    {
        s_flowing.Value = plan;
        s_process = plan;
    }

    /// <summary>Prepares a user's client: the path, the model and the tokenizer.</summary>
    public void Configure(LlmClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (Chat)
        {
            client.ChatPath = Path;
        }
        else
        {
            client.CompletionsPath = Path;
        }

        client.Model = Model;
        client.Tokenizer = Tokenizer;
    }

    /// <summary>Sends one request: the next prompt (or conversation) with its <c>max_tokens</c>.</summary>
    public Task<LlmResult> SendAsync(LlmClient client, Random random)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(random);
        if (Prompts is { } prompts)
        {
            LlmPrompt prompt = prompts.Next(random);
            LlmRequest request = prompt.ToRequest(ignoreEos: IgnoreEos);
            return Chat ? client.ChatAsync(prompt.Text, request) : client.CompleteAsync(prompt.Text, request);
        }

        LlmConversation conversation = Dataset!.Next(random);
        LlmRequest fromDataset = conversation.ToRequest(ignoreEos: IgnoreEos);
        if (DatasetOutputTokens is { } output)
        {
            fromDataset = fromDataset with { MaxTokens = output.Sample(random) };
        }

        return Chat
            ? client.ChatAsync(conversation.Messages, fromDataset)
            : client.CompleteAsync(string.Join("\n\n", conversation.Messages.Select(m => m.Content)), fromDataset);
    }
}
