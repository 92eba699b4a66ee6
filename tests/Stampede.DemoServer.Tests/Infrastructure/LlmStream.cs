using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Stampede.Demo.Tests.Infrastructure;

/// <summary>
/// One streamed answer of the LLM simulator, read event by event as it arrives: every <c>data:</c> payload with the
/// time it came, so tests can measure TTFT and the gaps between tokens as a client would.
/// </summary>
public sealed class LlmStream
{
    private LlmStream(IReadOnlyList<string> data, IReadOnlyList<TimeSpan> arrivals, string contentType)
    {
        Data = data;
        Arrivals = arrivals;
        ContentType = contentType;
    }

    /// <summary>Every event's payload, in order, <c>[DONE]</c> included.</summary>
    public IReadOnlyList<string> Data { get; }

    /// <summary>When each event of <see cref="Data"/> arrived, from just before the request was sent.</summary>
    public IReadOnlyList<TimeSpan> Arrivals { get; }

    public string ContentType { get; }

    /// <summary>The JSON events (all but <c>[DONE]</c>).</summary>
    public IReadOnlyList<JsonElement> Chunks =>
        [.. Data.Where(d => d != "[DONE]").Select(d => JsonDocument.Parse(d).RootElement.Clone())];

    /// <summary>The arrival times of the events that carry a token (chat <c>delta.content</c> or completions <c>text</c>, not empty).</summary>
    public IReadOnlyList<TimeSpan> TokenArrivals =>
        [.. Data.Select((d, i) => (d, i)).Where(e => e.d != "[DONE]" && HasToken(e.d)).Select(e => Arrivals[e.i])];

    /// <summary>Time to the first token event.</summary>
    public TimeSpan Ttft => TokenArrivals[0];

    /// <summary>The mean gap between token events: (last − first) / (tokens − 1).</summary>
    public TimeSpan MeanGap => (TokenArrivals[^1] - TokenArrivals[0]) / (TokenArrivals.Count - 1);

    public static async Task<LlmStream> PostAsync(HttpClient client, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var data = new List<string>();
        var arrivals = new List<TimeSpan>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                arrivals.Add(Stopwatch.GetElapsedTime(started));
                data.Add(line["data: ".Length..]);
            }
            else
            {
                line.ShouldBeEmpty("every line of the stream is a data: line or the blank line that ends an event");
            }
        }

        return new LlmStream(data, arrivals, response.Content.Headers.ContentType?.MediaType ?? string.Empty);
    }

    /// <summary>A chat request body with one user message of <paramref name="words"/> words.</summary>
    public static string ChatBody(int maxTokens, bool stream, int words = 10, bool includeUsage = true, string? model = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = Words(words) } },
            ["max_tokens"] = maxTokens,
            ["stream"] = stream,
            ["stream_options"] = new { include_usage = includeUsage },
        });

    public static string Words(int count) => string.Join(' ', Enumerable.Range(1, count).Select(i => "word" + i));

    private static bool HasToken(string data)
    {
        using var document = JsonDocument.Parse(data);
        var choices = document.RootElement.GetProperty("choices");
        if (choices.GetArrayLength() == 0)
        {
            return false;
        }

        var choice = choices[0];
        var text = choice.TryGetProperty("delta", out var delta)
            ? (delta.TryGetProperty("content", out var content) ? content.GetString() : null)
            : (choice.TryGetProperty("text", out var t) ? t.GetString() : null);
        return !string.IsNullOrEmpty(text);
    }
}
