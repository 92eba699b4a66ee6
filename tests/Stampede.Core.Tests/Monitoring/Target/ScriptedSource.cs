using Stampede.Monitoring.Prometheus;
using Stampede.Monitoring.Target;

namespace Stampede.Core.Tests.Monitoring.Target;

/// <summary>A source that answers what the test queued, in order (the last answer repeats), or an exposition built from text.</summary>
internal sealed class ScriptedSource : ITargetSource
{
    private readonly Queue<SourceReading> _readings = new();
    private SourceReading _last = SourceReading.Failed("nothing queued");

    public ScriptedSource(string name = "app", bool isLocal = false, string hostKey = "gpu-node-01")
    {
        Name = name;
        IsLocal = isLocal;
        HostKey = hostKey;
    }

    public string Name { get; }

    public string Address => $"http://{HostKey}:8000/metrics";

    public string Kind => "prometheus";

    public bool IsLocal { get; }

    public string HostKey { get; }

    public int Reads { get; private set; }

    /// <summary>Queues an exposition parsed from <paramref name="text"/>.</summary>
    public ScriptedSource Then(string text)
    {
        _readings.Enqueue(new SourceReading(ExpositionParser.Parse(text), null));
        return this;
    }

    public ScriptedSource ThenFail(string error, bool timedOut = false)
    {
        _readings.Enqueue(SourceReading.Failed(error, timedOut));
        return this;
    }

    public Task<SourceReading> ReadAsync(CancellationToken cancellationToken)
    {
        Reads++;
        if (_readings.TryDequeue(out SourceReading? next))
        {
            _last = next;
        }

        return Task.FromResult(_last);
    }

    public void Dispose()
    {
    }
}
