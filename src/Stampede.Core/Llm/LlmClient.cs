using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stampede.Http;

namespace Stampede.Llm;

/// <summary>
/// A client for OpenAI-compatible language-model APIs (vLLM, TGI, SGLang, Ollama, llama.cpp, Triton's OpenAI
/// frontend, hosted APIs): <c>/v1/chat/completions</c> and <c>/v1/completions</c>, streamed or whole, recorded like
/// every request of the user's <see cref="HttpSession"/>.
/// </summary>
/// <remarks>
/// A streamed answer is read event by event as it arrives (<see cref="CompletionStream"/>): the row's time to
/// first byte is the time to the first token, its response time the whole generation, and a stream that ends
/// with an error event or is cut short is a failed request whose tokens so far are still in the result.
/// </remarks>
public sealed class LlmClient
{
    /// <summary>The environment variable the API key is read from unless <see cref="ApiKey"/> is set: <c>OPENAI_API_KEY</c>.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    private readonly HttpSession _http;
    private readonly TimeProvider _time;
    private LlmTokenizer? _tokenizer; // null: cl100k_base, loaded when first needed

    internal LlmClient(HttpSession http, TimeProvider time)
    {
        _http = http;
        _time = time;
        ApiKey = Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key ? key : null;
    }

    /// <summary>The model asked for when a request names none.</summary>
    /// <value>By default the <c>LLM_MODEL</c> environment variable, else <see langword="null"/> (no <c>model</c> field is sent).</value>
    public string? Model { get; set; } = Environment.GetEnvironmentVariable("LLM_MODEL") is { Length: > 0 } model ? model : null;

    /// <summary>Sent as <c>Authorization: Bearer …</c>; never written to any output (it is one of the run's <see cref="Security.Secrets"/>).</summary>
    /// <value>By default the <see cref="ApiKeyVariable"/> environment variable.</value>
    public string? ApiKey
    {
        get;
        set
        {
            Security.Secrets.Add(value);
            field = value;
        }
    }

    /// <summary>The path of the chat API, relative to the host.</summary>
    /// <value><c>/v1/chat/completions</c>.</value>
    public string ChatPath { get; set; } = "/v1/chat/completions";

    /// <summary>The path of the completions API, relative to the host.</summary>
    /// <value><c>/v1/completions</c>.</value>
    public string CompletionsPath { get; set; } = "/v1/completions";

    /// <summary>
    /// Counts the tokens of an answer, and of a prompt, when the server does not report them in <c>usage</c>
    /// (llama.cpp's and Ollama's streams, some hosted APIs); the row's token source then says <c>tokenizer</c>.
    /// </summary>
    /// <value><see cref="LlmTokenizer.Cl100kBase"/>; set the model's own encoding where it is a tiktoken one.</value>
    public LlmTokenizer Tokenizer
    {
        get => _tokenizer ?? LlmTokenizer.Cl100kBase;
        set => _tokenizer = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Asks the chat API for an answer to one user message.</summary>
    /// <param name="prompt">The user's message.</param>
    /// <param name="request">Generation settings; streamed by default.</param>
    /// <param name="name">The statistics row; defaults to <c>chat</c>.</param>
    public Task<LlmResult> ChatAsync(string prompt, LlmRequest? request = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return ChatAsync([new ChatMessage("user", prompt)], request, name);
    }

    /// <summary>Asks the chat API to continue a conversation.</summary>
    /// <param name="messages">The conversation so far: system, user and assistant messages.</param>
    /// <param name="request">Generation settings; streamed by default.</param>
    /// <param name="name">The statistics row; defaults to <c>chat</c>.</param>
    public Task<LlmResult> ChatAsync(IReadOnlyList<ChatMessage> messages, LlmRequest? request = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        request ??= LlmRequest.Default;
        byte[] body = Body(request, writer =>
        {
            writer.WriteStartArray("messages"u8);
            foreach (ChatMessage message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, message.Role);
                writer.WriteString("content"u8, message.Content);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
        return SendAsync(ChatPath, body, request, name ?? "chat", chat: true, tokenizer => CountMessages(tokenizer, messages));
    }

    /// <summary>Asks the completions API to continue <paramref name="prompt"/>.</summary>
    /// <param name="prompt">The text to continue.</param>
    /// <param name="request">Generation settings; streamed by default.</param>
    /// <param name="name">The statistics row; defaults to <c>completion</c>.</param>
    public Task<LlmResult> CompleteAsync(string prompt, LlmRequest? request = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        request ??= LlmRequest.Default;
        byte[] body = Body(request, writer => writer.WriteString("prompt"u8, prompt));
        return SendAsync(CompletionsPath, body, request, name ?? "completion", chat: false, tokenizer => tokenizer.CountTokens(prompt));
    }

    /// <summary>The request body: the model, the caller's part, the stream settings, the generation settings, then the extra fields.</summary>
    private byte[] Body(LlmRequest request, Action<Utf8JsonWriter> input)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if ((request.Model ?? Model) is { } model)
            {
                writer.WriteString("model"u8, model);
            }

            input(writer);
            writer.WriteBoolean("stream"u8, request.Stream);
            if (request.Stream)
            {
                // Ask for the token counts in the last chunk; servers that do not know the option ignore it.
                writer.WriteStartObject("stream_options"u8);
                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
            }

            if (request.MaxTokens is { } max)
            {
                writer.WriteNumber("max_tokens"u8, max);
            }

            if (request.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature"u8, temperature);
            }

            foreach ((string key, JsonNode? value) in request.Extra)
            {
                writer.WritePropertyName(key);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The tokens of the messages' contents; a chat template adds a few per message that no client can know.</summary>
    private static int CountMessages(LlmTokenizer tokenizer, IReadOnlyList<ChatMessage> messages)
    {
        int tokens = 0;
        foreach (ChatMessage message in messages)
        {
            tokens += tokenizer.CountTokens(message.Content);
        }

        return tokens;
    }

    private async Task<LlmResult> SendAsync(string path, byte[] body, LlmRequest request, string name, bool chat, Func<LlmTokenizer, int> promptTokens)
    {
        LlmTokenizer tokenizer = Tokenizer;
        var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (ApiKey is { } key)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (!request.Stream)
        {
            HttpResult whole = await _http.SendAsync(message, name, check: null, request.Timeout).ConfigureAwait(false);
            return Whole(whole, chat, tokenizer, promptTokens);
        }

        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        CompletionStreamResult? streamed = null;
        TokenCounts counts = default;
        long sent = _time.GetTimestamp();
        long ended = 0;
        HttpResult result = await _http.SendStreamingAsync(
            message,
            name,
            async (stream, token) =>
            {
                var counting = new CountingStream(stream);
                streamed = await CompletionStream.ReadAsync(counting, _time, token).ConfigureAwait(false);
                ended = _time.GetTimestamp(); // before counting tokens, which is not the server's time
                long? first = streamed.ContentTimestamps.Count > 0 ? streamed.ContentTimestamps[0] : null;
                counts = Counts(streamed, tokenizer, promptTokens);
                var tokens = new StreamedTokens(
                    streamed.ContentTimestamps,
                    counts.Output,
                    counts.OutputSource == TokenSource.Usage,
                    counts.Input);
                return new StreamedBody(counting.BytesRead, first, FailureOf(streamed), streamed.End == CompletionStreamEnd.Cancelled, tokens, ended);
            },
            check: null,
            request.Timeout).ConfigureAwait(false);
        if (streamed is null)
        {
            // No stream was read: the request failed before a successful status (refused, 4xx/5xx, timeout).
            return new LlmResult(result, null, null, string.Empty, default);
        }

        CompletionTiming timing = CompletionTiming.Of(streamed, sent, ended, counts.Output, _time);
        return new LlmResult(result, streamed, timing, streamed.Text, counts);
    }

    /// <summary>The server's counts where its usage chunk gave them, else the tokenizer's.</summary>
    private static TokenCounts Counts(CompletionStreamResult streamed, LlmTokenizer tokenizer, Func<LlmTokenizer, int> promptTokens)
    {
        (int output, TokenSource outputSource) = streamed.CompletionTokens is { } completion
            ? (completion, TokenSource.Usage)
            : (tokenizer.CountTokens(streamed.Text), TokenSource.Tokenizer);
        (int input, TokenSource inputSource) = streamed.PromptTokens is { } prompt
            ? (prompt, TokenSource.Usage)
            : (promptTokens(tokenizer), TokenSource.Tokenizer);
        return new TokenCounts(input, inputSource, output, outputSource);
    }

    private static string? FailureOf(CompletionStreamResult stream) => stream.End switch
    {
        CompletionStreamEnd.Done => null,
        CompletionStreamEnd.Error => $"StreamError: {stream.Error}",
        CompletionStreamEnd.CutShort => $"ResponseEnded: {stream.Error}",
        CompletionStreamEnd.Malformed => $"InvalidResponse: {stream.Error}",
        _ => stream.Error,
    };

    /// <summary>A whole (not streamed) answer: its text and usage from the body.</summary>
    private static LlmResult Whole(HttpResult result, bool chat, LlmTokenizer tokenizer, Func<LlmTokenizer, int> promptTokens)
    {
        if (!result.IsSuccess || result.Body.Length == 0)
        {
            return new LlmResult(result, null, null, string.Empty, default);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(result.Body);
            JsonElement root = document.RootElement;
            string text = string.Empty;
            if (root.TryGetProperty("choices", out JsonElement choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
            {
                JsonElement first = choices[0];
                JsonElement content = default;
                bool found = chat
                    ? first.TryGetProperty("message", out JsonElement message) && message.TryGetProperty("content", out content)
                    : first.TryGetProperty("text", out content);
                text = found && content.ValueKind == JsonValueKind.String ? content.GetString()! : string.Empty;
            }

            int? prompt = null;
            int? output = null;
            if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
            {
                prompt = usage.TryGetProperty("prompt_tokens", out JsonElement p) && p.TryGetInt32(out int pt) ? pt : null;
                output = usage.TryGetProperty("completion_tokens", out JsonElement c) && c.TryGetInt32(out int ct) ? ct : null;
            }

            var counts = new TokenCounts(
                prompt ?? promptTokens(tokenizer),
                prompt is null ? TokenSource.Tokenizer : TokenSource.Usage,
                output ?? tokenizer.CountTokens(text),
                output is null ? TokenSource.Tokenizer : TokenSource.Usage);
            return new LlmResult(result, null, null, text, counts);
        }
        catch (JsonException)
        {
            return new LlmResult(result, null, null, Encoding.UTF8.GetString(result.Body), default);
        }
    }
}
