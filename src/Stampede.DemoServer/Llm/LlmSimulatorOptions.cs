using System.Globalization;

namespace Stampede.Demo.Llm;

/// <summary>
/// The timing model of the LLM server simulator (<c>serve-demo --llm</c>): how long the first token takes, the gap
/// between tokens, and how continuous batching slows them down. Turned on by <see cref="DemoServerOptions.Llm"/>.
/// </summary>
/// <remarks>
/// The simulator is not a language model: it answers with filler tokens on a schedule, so that an LLM load test
/// (TTFT, ITL, TPOT, queueing) can be tried without a GPU. Every delay is waited on the real clock with
/// <see cref="Task.Delay(TimeSpan, CancellationToken)"/>; nothing blocks a thread. The model is described in
/// docs/demo-server.md.
/// </remarks>
public sealed class LlmSimulatorOptions
{
    /// <summary>The largest number of output tokens a request may get; a larger <c>max_tokens</c> is capped to it.</summary>
    public const int MaxTokensCap = 4096;

    /// <summary>Output tokens of a request that gives no <c>max_tokens</c>.</summary>
    public const int DefaultMaxTokens = 128;

    /// <summary>The model name of answers to requests that name none, and the <c>model_name</c> label of the vLLM series.</summary>
    /// <value>Default <c>stampede-sim</c>. A request's own <c>model</c> is echoed back as given.</value>
    public string ModelName { get; set; } = "stampede-sim";

    /// <summary>The base time to first token, before the per-prompt-token prefill time is added.</summary>
    /// <value>Default 200 ms. Valid from zero to one minute.</value>
    public TimeSpan Ttft { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Prefill time per prompt token, added to <see cref="Ttft"/>.</summary>
    /// <value>Default 0.2 ms per token (a 1,000-token prompt adds 200 ms). Valid from zero to one second.</value>
    public TimeSpan PrefillPerToken { get; set; } = TimeSpan.FromMicroseconds(200);

    /// <summary>The base inter-token latency: the gap between two tokens of a sequence decoding alone.</summary>
    /// <value>Default 20 ms. Valid from zero to one minute.</value>
    public TimeSpan Itl { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The spread of each gap: a gap is <see cref="Itl"/> × (1 + u), u uniform in [−jitter, +jitter].</summary>
    /// <value>Default 0 (every gap exact). Valid from 0 to 1 (a fraction, not a percentage).</value>
    /// <remarks>Drawn from a <see cref="Random"/> seeded with <see cref="Seed"/>, so one run's gaps repeat in the next
    /// when requests arrive in the same order.</remarks>
    public double Jitter { get; set; }

    /// <summary>The seed of the jitter's random source.</summary>
    /// <value>Default 1.</value>
    public int Seed { get; set; } = 1;

    /// <summary>The most sequences that prefill or decode at once (continuous batching); more wait in a FIFO queue.</summary>
    /// <value>Default 8 (sequences). Valid from 1 to 4,096.</value>
    /// <remarks>A larger batch takes more requests at once but each decodes slower (see <see cref="Slowdown"/>); a
    /// smaller one turns concurrency into queueing, which shows as a longer TTFT.</remarks>
    public int MaxBatch { get; set; } = 8;

    /// <summary>How much each gap grows with the sequences running: ITL × (1 + slowdown × (running − 1) / <see cref="MaxBatch"/>).</summary>
    /// <value>Default 0.5: a full batch decodes each sequence about 1.5× slower than one alone. Valid from 0 to 100.</value>
    public double Slowdown { get; set; } = 0.5;

    /// <summary>The simulated KV cache, in tokens: <c>vllm:gpu_cache_usage_perc</c> is the running sequences' tokens over it.</summary>
    /// <value>Default 65,536 tokens (8 sequences of 8,192). Valid from 1 up.</value>
    public int KvCacheTokens { get; set; } = 65_536;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it, its value and what is valid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelName))
        {
            throw Invalid(nameof(ModelName), ModelName, "a model name, for example stampede-sim");
        }

        CheckDelay(nameof(Ttft), Ttft, TimeSpan.FromMinutes(1));
        CheckDelay(nameof(PrefillPerToken), PrefillPerToken, TimeSpan.FromSeconds(1));
        CheckDelay(nameof(Itl), Itl, TimeSpan.FromMinutes(1));
        if (!(Jitter is >= 0 and <= 1))
        {
            throw Invalid(nameof(Jitter), Jitter, "a fraction between 0 and 1");
        }

        if (MaxBatch is < 1 or > 4096)
        {
            throw Invalid(nameof(MaxBatch), MaxBatch, "between 1 and 4096 sequences");
        }

        if (!(Slowdown is >= 0 and <= 100))
        {
            throw Invalid(nameof(Slowdown), Slowdown, "between 0 and 100");
        }

        if (KvCacheTokens < 1)
        {
            throw Invalid(nameof(KvCacheTokens), KvCacheTokens, "at least 1 token");
        }
    }

    internal LlmSimulatorOptions Clone() => (LlmSimulatorOptions)MemberwiseClone();

    private static void CheckDelay(string name, TimeSpan value, TimeSpan max)
    {
        if (value < TimeSpan.Zero || value > max)
        {
            throw Invalid(name, value, $"between 00:00:00 and {max:c}");
        }
    }

    private static ArgumentException Invalid(string option, object? value, string valid) =>
        new(string.Create(CultureInfo.InvariantCulture, $"LlmSimulatorOptions.{option} is '{value}'; it must be {valid}."), option);
}
