namespace Stampede.Llm;

/// <summary>
/// Prompts of token lengths drawn from a distribution, each exactly as long as drawn for <see cref="Tokenizer"/>, with a
/// <c>max_tokens</c> drawn from another: the synthetic workload of vLLM's "random" dataset, with realistic spreads.
/// Thread-safe: users call <see cref="Next"/> with their own <see cref="User.Random"/>, so a seeded run repeats.
/// </summary>
/// <example>
/// <code>
/// private static readonly PromptGenerator Prompts = new(TokenLength.LogNormal(512, 256), TokenLength.Fixed(128));
///
/// [Task]
/// public Task Ask()
/// {
///     LlmPrompt prompt = Prompts.Next(Random);
///     return Llm.ChatAsync(prompt.Text, prompt.ToRequest(ignoreEos: true));
/// }
/// </code>
/// </example>
public sealed class PromptGenerator
{
    /// <summary>Makes prompts of <paramref name="inputTokens"/> tokens asking for <paramref name="outputTokens"/>.</summary>
    /// <param name="inputTokens">The prompt lengths.</param>
    /// <param name="outputTokens">The <c>max_tokens</c> of each request.</param>
    /// <param name="tokenizer">Whose tokens are counted; <see cref="LlmTokenizer.Cl100kBase"/> by default.</param>
    public PromptGenerator(TokenLength inputTokens, TokenLength outputTokens, LlmTokenizer? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(inputTokens);
        ArgumentNullException.ThrowIfNull(outputTokens);
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
        Tokenizer = tokenizer ?? LlmTokenizer.Cl100kBase;
        _ = Tokenizer.Filler; // fail here, not in the first user, if the tokenizer cannot make exact prompts
    }

    /// <summary>The tokenizer the lengths are exact for.</summary>
    public LlmTokenizer Tokenizer { get; }

    /// <summary>The prompt lengths.</summary>
    public TokenLength InputTokens { get; }

    /// <summary>The answer lengths asked for.</summary>
    public TokenLength OutputTokens { get; }

    /// <summary>The next prompt: a length drawn, filler text of exactly that many tokens, and a <c>max_tokens</c> drawn.</summary>
    public LlmPrompt Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int input = InputTokens.Sample(random);
        int output = OutputTokens.Sample(random);
        return new LlmPrompt(Tokenizer.Filler.Text(input, random), input, output);
    }
}
