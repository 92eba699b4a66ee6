using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Stampede.Demo.Http;

namespace Stampede.Demo.Llm;

/// <summary>
/// The simulator's OpenAI-compatible routes, <c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>: each
/// request waits for a batch slot, "prefills" for its TTFT, then emits <c>max_tokens</c> filler tokens one inter-token
/// gap apart, streamed as server-sent events or answered as one JSON document at the end.
/// </summary>
internal sealed partial class LlmEndpoints
{
    public const string ChatRoute = "/v1/chat/completions";

    public const string CompletionsRoute = "/v1/completions";

    public const string ModelsRoute = "/v1/models";

    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly LlmSimulatorOptions _options;
    private readonly LlmBatchScheduler _scheduler;
    private readonly int _maxBodyBytes;

    public LlmEndpoints(LlmSimulatorOptions options, LlmBatchScheduler scheduler, int maxBodyBytes)
    {
        _options = options;
        _scheduler = scheduler;
        _maxBodyBytes = maxBodyBytes;
    }

    public Task ChatAsync(HttpContext context) => HandleAsync(context, LlmRequestKind.Chat);

    public Task CompletionsAsync(HttpContext context) => HandleAsync(context, LlmRequestKind.Completion);

    /// <summary><c>GET /v1/models</c>: the one model, in OpenAI's list shape, so clients (vLLM's benchmark, <c>stampede llm</c>) can find its name.</summary>
    public Task ModelsAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, _options.ModelName, static (writer, name) =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            writer.WriteStartObject();
            writer.WriteString("id", name);
            writer.WriteString("object", "model");
            writer.WriteString("owned_by", "stampede");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    private async Task HandleAsync(HttpContext context, LlmRequestKind kind)
    {
        var aborted = context.RequestAborted;
        LlmRequest? request;
        string error;
        using (var body = await RequestBody.ReadAsync(context.Request, _maxBodyBytes, aborted).ConfigureAwait(false))
        {
            if (body.Status == BodyStatus.TooLarge)
            {
                await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {_maxBodyBytes} bytes").ConfigureAwait(false);
                return;
            }

            if (body.Status == BodyStatus.Empty)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "the body is empty; send a JSON completion request").ConfigureAwait(false);
                return;
            }

            request = LlmRequestParser.TryParse(body.Span, kind, _options.ModelName, out error);
        }

        if (request is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }

        var answer = new Answer(request, NewId(kind), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        if (request.Stream)
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/event-stream; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.StartAsync(aborted).ConfigureAwait(false);
        }

        var text = request.Stream ? null : new StringBuilder();
        using (var slot = await _scheduler.EnterAsync(aborted).ConfigureAwait(false))
        {
            slot.Hold(request.PromptTokens);
            await Task.Delay(_scheduler.Prefill(request.PromptTokens), aborted).ConfigureAwait(false);
            _scheduler.PrefillFinished(request.PromptTokens);
            if (request.Stream && kind == LlmRequestKind.Chat)
            {
                await WriteEventAsync(context, answer, static (writer, a) => a.WriteRoleChunk(writer)).ConfigureAwait(false);
            }

            // Each token is due one gap after the previous one was due, not after it was written, so the delays'
            // overshoot does not add up: the mean gap stays the model's ITL.
            long due = Stopwatch.GetTimestamp();
            for (var index = 0; index < request.MaxTokens; index++)
            {
                if (index > 0)
                {
                    due += (long)(_scheduler.NextGap().TotalSeconds * Stopwatch.Frequency);
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, aborted).ConfigureAwait(false);
                    }
                }

                slot.Hold(1);
                _scheduler.TokenGenerated();
                if (text is null)
                {
                    await WriteEventAsync(context, (answer, index), static (writer, s) => s.answer.WriteTokenChunk(writer, s.index)).ConfigureAwait(false);
                }
                else
                {
                    text.Append(SimulatedTokens.At(index));
                }
            }
        }

        if (text is not null)
        {
            await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, (answer, text.ToString()), static (writer, s) => s.answer.WriteCompletion(writer, s.Item2)).ConfigureAwait(false);
            return;
        }

        await WriteEventAsync(context, answer, static (writer, a) => a.WriteFinishChunk(writer)).ConfigureAwait(false);
        if (request.IncludeUsage)
        {
            await WriteEventAsync(context, answer, static (writer, a) => a.WriteUsageChunk(writer)).ConfigureAwait(false);
        }

        await context.Response.Body.WriteAsync(Done, aborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(aborted).ConfigureAwait(false);
    }

    /// <summary>Writes one server-sent event, <c>data: {json}\n\n</c>, and flushes it to the client at once.</summary>
    private static async Task WriteEventAsync<TState>(HttpContext context, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write(DataPrefix);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }

        buffer.Write(EventEnd);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes an error in OpenAI's shape: <c>{"error":{"message":…,"type":"invalid_request_error",…}}</c>.</summary>
    private static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        JsonResponses.WriteAsync(context, status, message, static (writer, text) =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", text);
            writer.WriteString("type", "invalid_request_error");
            writer.WriteNull("param");
            writer.WriteNull("code");
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    private static string NewId(LlmRequestKind kind) =>
        (kind == LlmRequestKind.Chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
}
