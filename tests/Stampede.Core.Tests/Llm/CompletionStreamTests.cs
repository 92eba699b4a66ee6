using System.Text;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Stampede.Llm;
using Xunit;

namespace Stampede.Core.Tests.Llm;

/// <summary>Scripted streams whose event times are known: each read advances a fake clock by its delay first.</summary>
public sealed class CompletionStreamTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ReadAsync_ChatStream_TimesEachContentEventAndReadsUsage()
    {
        long start = _time.GetTimestamp();
        var script = new List<(int DelayMs, string Bytes)>
        {
            (150, Event("""{"choices":[{"index":0,"delta":{"role":"assistant"}}]}""")),
            (50, Event(Delta("Hello"))),
        };
        for (int i = 0; i < 9; i++)
        {
            script.Add((10, Event(Delta($" w{i}"))));
        }

        script.Add((1, Event("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""")));
        script.Add((0, Event("""{"choices":[],"usage":{"prompt_tokens":17,"completion_tokens":10,"total_tokens":27}}""")));
        script.Add((0, "data: [DONE]\n\n"));

        CompletionStreamResult result = await CompletionStream.ReadAsync(new ScriptedStream(_time, script), _time);

        result.End.ShouldBe(CompletionStreamEnd.Done);
        result.Error.ShouldBeNull();
        result.Text.ShouldBe("Hello w0 w1 w2 w3 w4 w5 w6 w7 w8");
        result.ContentTimestamps.Count.ShouldBe(10);
        result.PromptTokens.ShouldBe(17);
        result.CompletionTokens.ShouldBe(10);
        result.FinishReason.ShouldBe("stop");
        result.Events.ShouldBe(14);

        CompletionTiming timing = CompletionTiming.Of(result, start, _time.GetTimestamp(), result.CompletionTokens!.Value, _time);
        timing.TimeToFirstToken.ShouldBe(TimeSpan.FromMilliseconds(200));
        timing.InterTokenLatencies.ShouldBe(Enumerable.Repeat(TimeSpan.FromMilliseconds(10), 9));
        timing.EndToEnd.ShouldBe(TimeSpan.FromMilliseconds(291));

        // TPOT = (e2e − TTFT) / (tokens − 1) = (291 − 200) / 9 ms.
        timing.TimePerOutputToken.ShouldBe(TimeSpan.FromMilliseconds(91) / 9);
    }

    [Fact]
    public async Task ReadAsync_EventsSplitAcrossReadsWithCrLf_SameEventsTimedAtTheReadThatCompletesThem()
    {
        long start = _time.GetTimestamp();
        string body = Event(Delta("a")).Replace("\n", "\r\n", StringComparison.Ordinal) + Event(Delta("b")).Replace("\n", "\r\n", StringComparison.Ordinal) + "data: [DONE]\r\n\r\n";

        // One byte a read, 1 ms apart: a CR and its LF always arrive in different reads.
        CompletionStreamResult result = await CompletionStream.ReadAsync(new ScriptedStream(_time, [.. body.Select(c => (1, c.ToString()))]), _time);

        result.End.ShouldBe(CompletionStreamEnd.Done);
        result.Text.ShouldBe("ab");
        int firstEventBytes = Event(Delta("a")).Replace("\n", "\r\n", StringComparison.Ordinal).Length;

        // The parser dispatches an event when its blank line's CRLF is whole (a CR alone may be followed by an LF):
        // the read of its last byte.
        _time.GetElapsedTime(start, result.ContentTimestamps[0]).ShouldBe(TimeSpan.FromMilliseconds(firstEventBytes));
        _time.GetElapsedTime(result.ContentTimestamps[0], result.ContentTimestamps[1]).ShouldBe(TimeSpan.FromMilliseconds(firstEventBytes));
    }

    [Fact]
    public async Task ReadAsync_CommentsKeepAlivesAndEmptyDeltas_AreNotContentEvents()
    {
        string body = ": ping\n\n" + Event(Delta("x")) + ": keep-alive\n\n" + Event("""{"choices":[{"delta":{"content":""}}]}""")
            + Event("""{"choices":[{"delta":{}}]}""") + "data:" + Delta("y") + "\n\n" + "data: [DONE]\n\n";

        CompletionStreamResult result = await CompletionStream.ReadAsync(new ScriptedStream(_time, [(0, body)]), _time);

        result.End.ShouldBe(CompletionStreamEnd.Done);
        result.Text.ShouldBe("xy");
        result.ContentTimestamps.Count.ShouldBe(2);
        result.CompletionTokens.ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_CompletionsApiText_IsContent()
    {
        string body = Event("""{"object":"text_completion","choices":[{"index":0,"text":"Once","finish_reason":null}]}""")
            + Event("""{"choices":[{"index":0,"text":" upon","finish_reason":"length"}]}""") + "data: [DONE]\n\n";

        CompletionStreamResult result = await CompletionStream.ReadAsync(new ScriptedStream(_time, [(0, body)]), _time);

        result.Text.ShouldBe("Once upon");
        result.ContentTimestamps.Count.ShouldBe(2);
        result.FinishReason.ShouldBe("length");
    }

    [Theory]
    [InlineData("""{"error":{"message":"CUDA out of memory","type":"server_error"}}""", "CUDA out of memory")]
    [InlineData("""{"object":"error","message":"The engine died","code":500}""", "The engine died")]
    public async Task ReadAsync_ErrorObjectMidStream_FailsWithItsMessageAndKeepsTheTokensSoFar(string error, string message)
    {
        string body = Event(Delta("one")) + Event(Delta(" two")) + Event(error) + Event(Delta(" never"));

        CompletionStreamResult result = await CompletionStream.ReadAsync(new ScriptedStream(_time, [(0, body)]), _time);

        result.End.ShouldBe(CompletionStreamEnd.Error);
        result.Error.ShouldBe($"the server sent an error mid-stream: {message}");
        result.Text.ShouldBe("one two");
        result.ContentTimestamps.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ReadAsync_ConnectionDroppedMidStream_CutShortWithTheTokensSoFar()
    {
        var stream = new ScriptedStream(_time, [(5, Event(Delta("par"))), (5, Event(Delta("tial")))], failAtEnd: new IOException("Connection reset by peer"));

        CompletionStreamResult result = await CompletionStream.ReadAsync(stream, _time);

        result.End.ShouldBe(CompletionStreamEnd.CutShort);
        result.Succeeded.ShouldBeFalse();
        result.Error.ShouldBe("the connection failed mid-stream: Connection reset by peer");
        result.Text.ShouldBe("partial");
        result.ContentTimestamps.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ReadAsync_ClosedWithoutDone_CutShort()
    {
        // The last event has no blank line: per the SSE rules it is never dispatched.
        string body = Event(Delta("a")) + "data: " + Delta("b");

        CompletionStreamResult result = await CompletionStream.ReadAsync(new ScriptedStream(_time, [(0, body)]), _time);

        result.End.ShouldBe(CompletionStreamEnd.CutShort);
        result.Error.ShouldBe("the server closed the stream before [DONE]");
        result.Text.ShouldBe("a");
    }

    [Fact]
    public async Task ReadAsync_EventNotJson_MalformedNamingTheEvent()
    {
        string body = Event(Delta("a")) + "data: <html>502 Bad Gateway</html>\n\n";

        CompletionStreamResult result = await CompletionStream.ReadAsync(new ScriptedStream(_time, [(0, body)]), _time);

        result.End.ShouldBe(CompletionStreamEnd.Malformed);
        result.Error.ShouldBe("event 2 is not JSON: <html>502 Bad Gateway</html>");
    }

    [Fact]
    public async Task ReadAsync_AfterDone_ReadsNoFurther()
    {
        var stream = new ScriptedStream(_time, [(0, Event(Delta("a")) + "data: [DONE]\n\n"), (0, Event(Delta("late")))]);

        CompletionStreamResult result = await CompletionStream.ReadAsync(stream, _time);

        result.Text.ShouldBe("a");
        stream.Reads.ShouldBe(1);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_SaysSoWithTheTokensSoFar()
    {
        using var cancel = new CancellationTokenSource();
        var stream = new ScriptedStream(_time, [(0, Event(Delta("a")))], onExhausted: cancel.Cancel);

        CompletionStreamResult result = await CompletionStream.ReadAsync(stream, _time, cancel.Token);

        result.End.ShouldBe(CompletionStreamEnd.Cancelled);
        result.Text.ShouldBe("a");
    }

    [Fact]
    public void Of_OneTokenOrNone_NoTpotAndNoTtftWithoutContent()
    {
        var none = new CompletionStreamResult { End = CompletionStreamEnd.Done, ContentTimestamps = [], Text = string.Empty };
        CompletionTiming empty = CompletionTiming.Of(none, 0, _time.TimestampFrequency, 0, _time);
        empty.TimeToFirstToken.ShouldBeNull();
        empty.TimePerOutputToken.ShouldBeNull();
        empty.InterTokenLatencies.ShouldBeEmpty();
        empty.EndToEnd.ShouldBe(TimeSpan.FromSeconds(1));

        var one = none with { ContentTimestamps = [_time.TimestampFrequency / 2], Text = "x" };
        CompletionTiming single = CompletionTiming.Of(one, 0, _time.TimestampFrequency, 1, _time);
        single.TimeToFirstToken.ShouldBe(TimeSpan.FromMilliseconds(500));
        single.TimePerOutputToken.ShouldBeNull();
    }

    private static string Delta(string content) => $$"""{"choices":[{"index":0,"delta":{"content":"{{content}}"},"finish_reason":null}]}""";

    private static string Event(string json) => $"data: {json}\n\n";

    /// <summary>A response body that returns each scripted piece as one read, after advancing the clock by its delay.</summary>
    private sealed class ScriptedStream(FakeTimeProvider time, IReadOnlyList<(int DelayMs, string Bytes)> script, Exception? failAtEnd = null, Action? onExhausted = null) : Stream
    {
        private int _next;
        private byte[] _pending = [];
        private int _offset;

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            if (_offset >= _pending.Length)
            {
                if (_next >= script.Count)
                {
                    if (failAtEnd is not null)
                    {
                        throw failAtEnd;
                    }

                    if (onExhausted is not null)
                    {
                        onExhausted();
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    return 0;
                }

                (int delay, string bytes) = script[_next++];
                time.Advance(TimeSpan.FromMilliseconds(delay));
                _pending = Encoding.UTF8.GetBytes(bytes);
                _offset = 0;
                Reads++;
            }

            int count = Math.Min(buffer.Length, _pending.Length - _offset);
            _pending.AsMemory(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
