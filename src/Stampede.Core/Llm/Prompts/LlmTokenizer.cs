using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace Stampede.Llm;

/// <summary>
/// A tokenizer for sizing prompts and counting tokens a server does not report: OpenAI's tiktoken encodings through
/// <c>Microsoft.ML.Tokenizers</c> (<c>cl100k_base</c> of GPT-4 and GPT-3.5, <c>o200k_base</c> of GPT-4o). Other models'
/// tokenizers (Llama, Mistral, Qwen) count differently, typically within 10–20% on English text; say which one a run used.
/// Thread-safe.
/// </summary>
public sealed class LlmTokenizer
{
    private static readonly Lazy<LlmTokenizer> s_cl100k = new(() => new LlmTokenizer("cl100k_base", TiktokenTokenizer.CreateForEncoding("cl100k_base")));
    private static readonly Lazy<LlmTokenizer> s_o200k = new(() => new LlmTokenizer("o200k_base", TiktokenTokenizer.CreateForEncoding("o200k_base")));
    private static readonly ConcurrentDictionary<string, LlmTokenizer> s_models = new(StringComparer.OrdinalIgnoreCase);

    private readonly Tokenizer _tokenizer;
    private readonly Lazy<FillerVocabulary> _filler;

    private LlmTokenizer(string name, Tokenizer tokenizer)
    {
        Name = name;
        _tokenizer = tokenizer;
        _filler = new Lazy<FillerVocabulary>(() => FillerVocabulary.For(this));
    }

    /// <summary>GPT-4's and GPT-3.5's encoding; the default.</summary>
    public static LlmTokenizer Cl100kBase => s_cl100k.Value;

    /// <summary>GPT-4o's encoding.</summary>
    public static LlmTokenizer O200kBase => s_o200k.Value;

    /// <summary>The encoding's name, e.g. <c>cl100k_base</c>, or the model name it was asked for.</summary>
    public string Name { get; }

    /// <summary>Words that are one token each, with and without a leading space, for prompts of an exact length.</summary>
    internal FillerVocabulary Filler => _filler.Value;

    /// <summary>
    /// <c>cl100k_base</c> or <c>o200k_base</c> (any case), or a model name the library maps to an encoding, such as
    /// <c>gpt-4o</c> or <c>gpt-4</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Neither an encoding nor a known model; the message lists the encodings.</exception>
    public static LlmTokenizer Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string trimmed = name.Trim();
        if (trimmed.Equals("cl100k_base", StringComparison.OrdinalIgnoreCase))
        {
            return Cl100kBase;
        }

        if (trimmed.Equals("o200k_base", StringComparison.OrdinalIgnoreCase))
        {
            return O200kBase;
        }

        try
        {
            return s_models.GetOrAdd(trimmed, model => new LlmTokenizer(model, TiktokenTokenizer.CreateForModel(model)));
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"'{name}' is not a tokenizer: give cl100k_base, o200k_base or an OpenAI model name such as gpt-4o or gpt-4.", nameof(name), ex);
        }
    }

    /// <summary>The tokens of <paramref name="text"/>, special tokens read as text.</summary>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : _tokenizer.CountTokens(text);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
