namespace Stampede.Demo.Llm;

/// <summary>
/// The simulator's stand-in for a tokenizer: whitespace-separated words × 1.3, rounded up (English text averages
/// about 1.3 BPE tokens per word). Deterministic, so a test knows the exact <c>prompt_tokens</c> it will be told.
/// </summary>
internal static class PromptTokenCounter
{
    /// <summary>Tokens per word (a ratio, no unit).</summary>
    public const double TokensPerWord = 1.3;

    /// <summary>The prompt tokens of <paramref name="words"/> whitespace-separated words.</summary>
    // Integer arithmetic: words × 1.3 in floating point is 13.000000000000002 for 10 words, which would round up to 14.
    public static int FromWords(int words) => (int)(((words * 13L) + 9) / 10);

    /// <summary>The whitespace-separated words of <paramref name="text"/>.</summary>
    public static int Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        int words = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                words++;
            }
        }

        return words;
    }
}
