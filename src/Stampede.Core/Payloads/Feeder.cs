namespace Stampede;

/// <summary>
/// Test data shared by every virtual user, loaded up front and handed out one item at a time in a
/// <see cref="FeederMode"/>. Create one with <see cref="Feeders"/>.
/// </summary>
/// <typeparam name="T">The item: a CSV row, a JSON value, a file, or anything given to <see cref="Feeders.From{T}"/>.</typeparam>
/// <remarks>
/// Safe to use from every user at once without locks: <see cref="FeederMode.Circular"/> and
/// <see cref="FeederMode.ReadOnce"/> take turns with one interlocked increment, and
/// <see cref="FeederMode.Random"/> uses the caller's random source or <see cref="System.Random.Shared"/>.
/// Items are shared, not copied: treat them as read-only.
/// </remarks>
public sealed class Feeder<T>
{
    private readonly T[] _items;
    private long _taken;

    internal Feeder(T[] items, FeederMode mode, string source)
    {
        if (items.Length == 0)
        {
            throw new ArgumentException($"The feeder from {source} has no items: give it at least one.", nameof(items));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "A feeder's mode is Circular, Random or ReadOnce.");
        }

        _items = items;
        Mode = mode;
        Source = source;
    }

    /// <summary>How items are handed out.</summary>
    public FeederMode Mode { get; }

    /// <summary>Where the items came from (a file or folder path), as named in exceptions.</summary>
    public string Source { get; }

    /// <summary>Number of items loaded.</summary>
    public int Count => _items.Length;

    /// <summary>
    /// Items not yet handed out in <see cref="FeederMode.ReadOnce"/> mode; <see cref="Count"/> in the
    /// other modes, which never run out.
    /// </summary>
    public int Remaining => Mode == FeederMode.ReadOnce
        ? (int)Math.Max(0, _items.Length - Interlocked.Read(ref _taken))
        : _items.Length;

    /// <summary>The next item in the feeder's <see cref="Mode"/>.</summary>
    /// <returns>The item (shared: do not change it).</returns>
    /// <exception cref="StopUserException">In <see cref="FeederMode.ReadOnce"/> mode once every item was handed out: thrown from a task, it stops that user, and the run ends when every user has stopped.</exception>
    /// <remarks><see cref="FeederMode.Random"/> picks with <see cref="System.Random.Shared"/>, which is not reproducible; use <see cref="Next(Random)"/> with <see cref="User.Random"/> for a repeatable run.</remarks>
    public T Next() => TryNext(out T item) ? item : throw Exhausted();

    /// <summary>The next item, picking with <paramref name="random"/> in <see cref="FeederMode.Random"/> mode (pass <see cref="User.Random"/> for a reproducible run); in the other modes the same as <see cref="Next()"/>.</summary>
    /// <param name="random">The caller's random source; not shared between threads.</param>
    /// <returns>The item (shared: do not change it).</returns>
    /// <exception cref="StopUserException">In <see cref="FeederMode.ReadOnce"/> mode once every item was handed out.</exception>
    public T Next(Random random) => TryNext(random, out T item) ? item : throw Exhausted();

    /// <summary>Takes the next item unless a <see cref="FeederMode.ReadOnce"/> feeder is exhausted.</summary>
    /// <param name="item">The item, or <see langword="default"/> when none is left.</param>
    /// <returns><see langword="false"/> only when a <see cref="FeederMode.ReadOnce"/> feeder has handed out every item.</returns>
    public bool TryNext(out T item) => TryNext(Random.Shared, out item);

    /// <summary>Takes the next item, picking with <paramref name="random"/> in <see cref="FeederMode.Random"/> mode, unless a <see cref="FeederMode.ReadOnce"/> feeder is exhausted.</summary>
    /// <param name="random">The caller's random source; not shared between threads.</param>
    /// <param name="item">The item, or <see langword="default"/> when none is left.</param>
    /// <returns><see langword="false"/> only when a <see cref="FeederMode.ReadOnce"/> feeder has handed out every item.</returns>
    public bool TryNext(Random random, out T item)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (Mode)
        {
            case FeederMode.Random:
                item = _items[random.Next(_items.Length)];
                return true;
            case FeederMode.ReadOnce:
                long turn = Interlocked.Increment(ref _taken) - 1;
                if (turn < _items.Length)
                {
                    item = _items[turn];
                    return true;
                }

                item = default!;
                return false;
            default:
                item = _items[(Interlocked.Increment(ref _taken) - 1) % _items.Length];
                return true;
        }
    }

    /// <summary>A description such as <c>users.csv (ReadOnce, 37 of 100 left)</c>.</summary>
    public override string ToString() => Mode == FeederMode.ReadOnce
        ? $"{Source} (ReadOnce, {Remaining} of {Count} left)"
        : $"{Source} ({Mode}, {Count} items)";

    private StopUserException Exhausted() =>
        new($"The feeder {Source} is exhausted: ReadOnce handed out all {_items.Length} items, so this user stops.");
}
