using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace Stampede.Llm;

/// <summary>
/// Reads an OpenAI-compatible streaming response (<c>/v1/chat/completions</c> or <c>/v1/completions</c> with
/// <c>"stream": true</c>) as it arrives and times each content event, for TTFT, ITL and TPOT.
/// </summary>
/// <remarks>
/// <para>
/// The server-sent events are split by the runtime's own <see cref="SseParser"/> (the WHATWG rules: CR, LF or
/// CRLF line ends, a line split across socket reads, <c>:</c> comments and keep-alives, multi-line <c>data</c>).
/// Each event's JSON is read straight from the parser's buffer with <see cref="Utf8JsonReader"/>; nothing of the
/// response is buffered beyond the event in hand and the text of the answer.
/// </para>
/// <para>
/// An event is timed when the parser hands it over, which is right after the socket read that completed it (with
/// CRLF line ends, the read that brought the blank line's LF: a CR alone at the end of a read may yet be followed
/// by one, so the parser waits for the next byte).
/// A content event is one whose first choice carries text: <c>choices[0].delta.content</c> (chat) or
/// <c>choices[0].text</c> (completions), not empty. Role-only deltas, empty keep-alive chunks and the
/// <c>usage</c> chunk are not content events. <c>data: [DONE]</c> ends the stream; an <c>error</c> object (or
/// vLLM's <c>"object": "error"</c>) ends it as failed; the connection closing or failing before either ends it
/// as cut short, with what arrived so far kept.
/// </para>
/// </remarks>
public static class CompletionStream
{
    private static ReadOnlySpan<byte> Done => "[DONE]"u8;

    /// <summary>Reads <paramref name="stream"/> to its end (or its <c>[DONE]</c>).</summary>
    /// <param name="stream">The response body.</param>
    /// <param name="time">The clock whose timestamps (<see cref="TimeProvider.GetTimestamp"/>) the events carry.</param>
    /// <param name="cancellationToken">Cancels the read (a request timeout); the result then says so.</param>
    public static async Task<CompletionStreamResult> ReadAsync(Stream stream, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        var state = new StreamState(time);
        try
        {
            SseParser<bool> parser = SseParser.Create(stream, state.OnEvent);
            await foreach (SseItem<bool> item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                if (state.Ended)
                {
                    break;
                }
            }

            if (!state.Ended)
            {
                state.End(CompletionStreamEnd.CutShort, "the server closed the stream before [DONE]");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            state.End(CompletionStreamEnd.Cancelled, "the stream was cancelled before [DONE] (request timeout)");
        }
        catch (IOException ex)
        {
            state.End(CompletionStreamEnd.CutShort, $"the connection failed mid-stream: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            state.End(CompletionStreamEnd.CutShort, $"the connection failed mid-stream: {ex.Message}");
        }

        return state.Result();
    }

    /// <summary>What one event's JSON says; fields absent from the chunk stay at their defaults.</summary>
    internal ref struct Chunk
    {
        public bool HasContent;
        public string? FinishReason;
        public int? PromptTokens;
        public int? CompletionTokens;
        public bool IsError;
        public string? ErrorMessage;
    }

    /// <summary>Reads the fields of one chunk that matter here; the text of the content is appended to <paramref name="text"/>.</summary>
    /// <exception cref="JsonException">The event is not JSON.</exception>
    internal static Chunk ParseChunk(ReadOnlySpan<byte> json, StringBuilder text)
    {
        var chunk = default(Chunk);
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the event is not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                ReadChoices(ref reader, ref chunk, text);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader, ref chunk);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                chunk.IsError = reader.TokenType != JsonTokenType.Null;
                ReadError(ref reader, ref chunk);
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                chunk.IsError |= reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("error"u8);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                chunk.ErrorMessage ??= reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return chunk;
    }

    private static void ReadChoices(ref Utf8JsonReader reader, ref Chunk chunk, StringBuilder text)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        bool first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            first = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    ReadDelta(ref reader, ref chunk, text);
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    AppendText(ref reader, ref chunk, text);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    chunk.FinishReason = reader.TokenType == JsonTokenType.String ? reader.GetString() : chunk.FinishReason;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    private static void ReadDelta(ref Utf8JsonReader reader, ref Chunk chunk, StringBuilder text)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool content = reader.ValueTextEquals("content"u8);
            reader.Read();
            if (content)
            {
                AppendText(ref reader, ref chunk, text);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void AppendText(ref Utf8JsonReader reader, ref Chunk chunk, StringBuilder text)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return;
        }

        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length == 0)
        {
            return;
        }

        char[] rented = ArrayPool<char>.Shared.Rent(length);
        try
        {
            int written = reader.CopyString(rented);
            if (written > 0)
            {
                text.Append(rented, 0, written);
                chunk.HasContent = true;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static void ReadUsage(ref Utf8JsonReader reader, ref Chunk chunk)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool prompt = reader.ValueTextEquals("prompt_tokens"u8);
            bool completion = reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if ((prompt || completion) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int tokens))
            {
                if (prompt)
                {
                    chunk.PromptTokens = tokens;
                }
                else
                {
                    chunk.CompletionTokens = tokens;
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void ReadError(ref Utf8JsonReader reader, ref Chunk chunk)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            chunk.ErrorMessage = reader.GetString();
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool message = reader.ValueTextEquals("message"u8);
            reader.Read();
            if (message && reader.TokenType == JsonTokenType.String)
            {
                chunk.ErrorMessage = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>The stream read so far: what the parser's callback learns, event by event.</summary>
    private sealed class StreamState(TimeProvider time)
    {
        private readonly List<long> _contentTimestamps = [];
        private readonly StringBuilder _text = new();
        private CompletionStreamEnd _end;
        private string? _error;
        private string? _finishReason;
        private int? _promptTokens;
        private int? _completionTokens;
        private int _events;

        public bool Ended { get; private set; }

        /// <summary>The parser's item callback: runs as each event is dispatched.</summary>
        public bool OnEvent(string eventType, ReadOnlySpan<byte> data)
        {
            long now = time.GetTimestamp();
            if (Ended)
            {
                return false;
            }

            _events++;
            if (data.SequenceEqual(Done))
            {
                End(CompletionStreamEnd.Done, null);
                return false;
            }

            Chunk chunk;
            try
            {
                chunk = ParseChunk(data, _text);
            }
            catch (JsonException)
            {
                End(CompletionStreamEnd.Malformed, $"event {_events} is not JSON: {Preview(data)}");
                return false;
            }

            if (chunk.IsError || eventType == "error")
            {
                End(CompletionStreamEnd.Error, $"the server sent an error mid-stream: {chunk.ErrorMessage ?? Preview(data)}");
                return false;
            }

            if (chunk.HasContent)
            {
                _contentTimestamps.Add(now);
            }

            _finishReason = chunk.FinishReason ?? _finishReason;
            _promptTokens = chunk.PromptTokens ?? _promptTokens;
            _completionTokens = chunk.CompletionTokens ?? _completionTokens;
            return true;
        }

        public void End(CompletionStreamEnd end, string? error)
        {
            if (!Ended)
            {
                Ended = true;
                _end = end;
                _error = error;
            }
        }

        public CompletionStreamResult Result() => new()
        {
            End = _end,
            Error = _error,
            ContentTimestamps = [.. _contentTimestamps],
            Text = _text.ToString(),
            FinishReason = _finishReason,
            PromptTokens = _promptTokens,
            CompletionTokens = _completionTokens,
            Events = _events,
        };

        private static string Preview(ReadOnlySpan<byte> data)
        {
            string text = Encoding.UTF8.GetString(data[..Math.Min(data.Length, 120)]);
            return data.Length > 120 ? text + "…" : text;
        }
    }
}
