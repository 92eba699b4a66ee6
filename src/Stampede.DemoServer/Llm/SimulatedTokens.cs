namespace Stampede.Demo.Llm;

/// <summary>The text of the simulator's output tokens: filler words in a fixed cycle, one word per token.</summary>
internal static class SimulatedTokens
{
    private static readonly string[] Words =
    [
        "This", " is", " a", " simulated", " answer", " from", " the", " Stampede", " demo", " server", ":",
        " its", " tokens", " follow", " a", " timing", " model", ",", " not", " a", " language", " model", ".",
    ];

    /// <summary>The text of output token <paramref name="index"/> (0-based).</summary>
    public static string At(int index) => Words[index % Words.Length];
}
