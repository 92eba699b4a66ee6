using System.Text;
using BenchmarkDotNet.Attributes;
using Stampede.Llm;

namespace Stampede.Benchmarks;

/// <summary>
/// What reading an LLM's streamed answer costs the generator per event: <see cref="CompletionStream.ReadAsync"/> over
/// a chat completion of <see cref="Tokens"/> content events in vLLM's chunk shape, then usage and <c>[DONE]</c>.
/// Two deliveries: the whole body in one buffer (the parser's best case), and one event per read, as a socket
/// hands over a stream whose tokens arrive milliseconds apart. Each operation is one whole stream; the recorded
/// results (CompletionStreamBenchmarks.md beside this file) divide by its events for ns and bytes per event.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class CompletionStreamBenchmarks
{
    private byte[] _body = null!;
    private int[] _eventEnds = null!;

    /// <summary>Content events per stream: a short answer and the 10,000-token stream of the requirement.</summary>
    [Params(128, 10_000)]
    public int Tokens { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var body = new MemoryStream();
        var ends = new List<int>();
        void Event(string json)
        {
            byte[] bytes = Encoding.UTF8.GetBytes($"data: {json}\n\n");
            body.Write(bytes);
            ends.Add((int)body.Length);
        }

        Event("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1764748800,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""");
        for (int i = 0; i < Tokens; i++)
        {
            Event($$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1764748800,"model":"m","choices":[{"index":0,"delta":{"content":" word{{i % 100}}"},"logprobs":null,"finish_reason":null}]}""");
        }

        Event("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1764748800,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}""");
        Event($$$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1764748800,"model":"m","choices":[],"usage":{"prompt_tokens":512,"total_tokens":{{{512 + Tokens}}},"completion_tokens":{{{Tokens}}}}}""");
        byte[] done = "data: [DONE]\n\n"u8.ToArray();
        body.Write(done);
        ends.Add((int)body.Length);
        _body = body.ToArray();
        _eventEnds = [.. ends];

        CompletionStreamResult check = WholeBody().GetAwaiter().GetResult();
        if (!check.Succeeded || check.ContentTimestamps.Count != Tokens || check.CompletionTokens != Tokens)
        {
            throw new InvalidOperationException($"the stream read as {check.End} with {check.ContentTimestamps.Count} content events");
        }

        Console.WriteLine($"// {Tokens} content events, {_eventEnds.Length} events, {_body.Length} bytes ({_body.Length / _eventEnds.Length} a event)");
    }

    /// <summary>The whole body in one buffer.</summary>
    [Benchmark(Baseline = true)]
    public async Task<CompletionStreamResult> WholeBody() =>
        await CompletionStream.ReadAsync(new MemoryStream(_body, writable: false), TimeProvider.System);

    /// <summary>One event per read.</summary>
    [Benchmark]
    public async Task<CompletionStreamResult> EventPerRead() =>
        await CompletionStream.ReadAsync(new EventPerReadStream(_body, _eventEnds), TimeProvider.System);

    /// <summary>A read-only stream that hands over at most one event per read, as a socket does with tokens milliseconds apart.</summary>
    private sealed class EventPerReadStream(byte[] body, int[] ends) : Stream
    {
        private int _position;
        private int _event;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_event == ends.Length)
            {
                return 0;
            }

            int n = Math.Min(buffer.Length, ends[_event] - _position);
            body.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            if (_position == ends[_event])
            {
                _event++;
            }

            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
