using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Win32.SafeHandles;

namespace Stampede.Metrics;

/// <summary>
/// A run's closed one-second intervals, append-only. The newest <see cref="SecondsInMemory"/> stay in memory; each
/// older one is written to a spill file and read back when asked for, so a day-long run holds an hour of intervals
/// (about 4 KB each at one row and thousands of requests a second, histograms included) plus 16 bytes per older second.
/// </summary>
/// <remarks>
/// <para>
/// The spill file is created in the temp folder on the first spill and, on Unix, unlinked at once: nothing is left
/// behind, even after <c>kill -9</c> (on Windows the system deletes it when its handle closes). It lives as long as a
/// snapshot that can read it, so it is never closed by hand; the handle's finalizer closes it.
/// </para>
/// <para>
/// One writer (the aggregator's thread) appends; any thread reads. A slot only ever goes from its interval to the
/// interval's place in the file, and that place is written before the slot lets go, so a <see cref="View"/> taken at
/// any moment reads the same intervals for as long as it is held. When the file cannot be written (a full or
/// read-only temp folder) the intervals stay in memory and <see cref="SpillError"/> says why.
/// </para>
/// </remarks>
internal sealed class IntervalHistory(string? spillFolder = null)
{
    /// <summary>Intervals kept in memory by default: the last hour.</summary>
    public const int DefaultSecondsInMemory = 3600;

    private readonly string _spillFolder = spillFolder ?? Path.GetTempPath();

    private readonly Lock _gate = new();
    private IntervalStats?[] _items = new IntervalStats?[64];
    private long[] _offsets = new long[64];
    private int _count;
    private int _spilled;
    private SafeFileHandle? _file;
    private long _fileLength;

    /// <summary>How many of the newest intervals stay in memory; 0 keeps every interval in memory.</summary>
    public int SecondsInMemory { get; set; } = DefaultSecondsInMemory;

    /// <summary>Why intervals could not be moved to disk (they stay in memory); <see langword="null"/> while none failed.</summary>
    public string? SpillError { get; private set; }

    /// <summary>Intervals added.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Intervals moved to the spill file.</summary>
    public int Spilled
    {
        get
        {
            lock (_gate)
            {
                return _spilled;
            }
        }
    }

    /// <summary>The interval at <paramref name="index"/>, from memory or read back from the spill file.</summary>
    public IntervalStats this[int index]
    {
        get
        {
            SafeFileHandle file;
            long start;
            long end;
            lock (_gate)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
                if (_items[index] is { } interval)
                {
                    return interval;
                }

                file = _file!;
                start = _offsets[index];
                end = index + 1 < _spilled ? _offsets[index + 1] : _fileLength;
            }

            return Read(file, start, (int)(end - start), index);
        }
    }

    /// <summary>Appends the next interval, then moves the oldest in memory to disk while more than <see cref="SecondsInMemory"/> are there.</summary>
    public void Add(IntervalStats interval)
    {
        ArgumentNullException.ThrowIfNull(interval);
        lock (_gate)
        {
            if (_count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
                Array.Resize(ref _offsets, _offsets.Length * 2);
            }

            _items[_count++] = interval;
        }

        while (SecondsInMemory > 0 && SpillError is null && _count - _spilled > SecondsInMemory)
        {
            SpillOldest();
        }
    }

    /// <summary>Bytes written to the spill file.</summary>
    public long SpilledBytes
    {
        get
        {
            lock (_gate)
            {
                return _fileLength;
            }
        }
    }

    /// <summary>The first <see cref="Count"/> intervals as they stand now, as a list that does not change.</summary>
    public IReadOnlyList<IntervalStats> View() => new HistoryView(this, Count);

    /// <summary>
    /// <paramref name="history"/> without its last interval when that is a sliver under half a second (the end of a run,
    /// holding its last in-flight requests), without copying it: the analyses read a day-long history in one pass.
    /// </summary>
    public static IReadOnlyList<IntervalStats> WithoutSliver(IReadOnlyList<IntervalStats> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return history.Count > 0 && history[^1].DurationSeconds < 0.5 ? new Prefix(history, history.Count - 1) : history;
    }

    private void SpillOldest()
    {
        IntervalStats oldest = _items[_spilled]!;
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(oldest, IntervalHistoryJsonContext.Default.IntervalStats);
        try
        {
            _file ??= CreateSpillFile();
            RandomAccess.Write(_file, bytes, _fileLength);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SpillError = $"the per-second history stays in memory: its spill file in {_spillFolder} cannot be written ({e.Message})";
            return;
        }

        lock (_gate)
        {
            _offsets[_spilled] = _fileLength;
            _fileLength += bytes.Length;
            _items[_spilled] = null;
            _spilled++;
        }
    }

    private SafeFileHandle CreateSpillFile()
    {
        string path = Path.Combine(_spillFolder, $"stampede-history-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        bool unix = !OperatingSystem.IsWindows();
        SafeFileHandle handle = File.OpenHandle(
            path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, unix ? FileOptions.None : FileOptions.DeleteOnClose);
        if (unix)
        {
            File.Delete(path);
        }

        return handle;
    }

    private static IntervalStats Read(SafeFileHandle file, long offset, int length, int index)
    {
        byte[] buffer = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = RandomAccess.Read(file, buffer.AsSpan(read), offset + read);
            if (n == 0)
            {
                throw new InvalidDataException($"Second {index} of the history's spill file ends early ({read} of {length} bytes).");
            }

            read += n;
        }

        return JsonSerializer.Deserialize(buffer, IntervalHistoryJsonContext.Default.IntervalStats)
            ?? throw new InvalidDataException($"Second {index} of the history's spill file is empty.");
    }

    private sealed class Prefix(IReadOnlyList<IntervalStats> history, int count) : IReadOnlyList<IntervalStats>
    {
        public int Count => count;

        public IntervalStats this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
                return history[index];
            }
        }

        public IEnumerator<IntervalStats> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return history[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class HistoryView(IntervalHistory history, int count) : IReadOnlyList<IntervalStats>
    {
        public int Count => count;

        public IntervalStats this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
                return history[index];
            }
        }

        public IEnumerator<IntervalStats> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return history[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>The spill file's format: one interval's JSON after another, in the order they closed.</summary>
[JsonSourceGenerationOptions(IgnoreReadOnlyProperties = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(IntervalStats))]
internal sealed partial class IntervalHistoryJsonContext : JsonSerializerContext;
