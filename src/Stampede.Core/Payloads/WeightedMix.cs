using System.Collections;

namespace Stampede;

/// <summary>
/// Picks one of several items at random in proportion to integer weights, for a mix of payloads:
/// <c>new WeightedMix&lt;ImagePool&gt; { { 7, Images.Small }, { 3, Images.Large } }</c> picks the small
/// pool 70% of the time.
/// </summary>
/// <typeparam name="T">The item: an <see cref="ImagePool"/>, a <see cref="Feeder{T}"/>, a prompt, an endpoint path…</typeparam>
/// <remarks>
/// Build the mix once (a static field) and then share it: <see cref="Next"/> only reads and is safe
/// from every user at once. Picks come from the caller's random source, so a run seeded the same
/// way picks the same sequence. <see cref="Add"/> is meant for set-up and takes a lock.
/// </remarks>
public sealed class WeightedMix<T> : IEnumerable<(int Weight, T Item)>
{
    private readonly Lock _addLock = new();
    private State _state = new([], [], 0);

    /// <summary>Number of items.</summary>
    public int Count => Volatile.Read(ref _state).Items.Length;

    /// <summary>Sum of all weights.</summary>
    public long TotalWeight => Volatile.Read(ref _state).Total;

    /// <summary>Adds <paramref name="item"/> with a relative <paramref name="weight"/> (weight first, so a collection initializer reads <c>{ 7, Images.Small }</c>).</summary>
    /// <param name="weight">Relative weight, at least 1: an item of weight 7 is picked seven times as often as one of weight 1.</param>
    /// <param name="item">The item.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is less than 1.</exception>
    public void Add(int weight, T item)
    {
        if (weight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"WeightedMix.Add: the weight of {item} must be at least 1.");
        }

        lock (_addLock)
        {
            State old = _state;
            long total = old.Total + weight;
            Volatile.Write(ref _state, new State([.. old.Items, item], [.. old.Ends, total], total));
        }
    }

    /// <summary>Picks an item with probability weight / <see cref="TotalWeight"/>.</summary>
    /// <param name="random">The caller's random source (pass <see cref="User.Random"/> for a reproducible run); not shared between threads.</param>
    /// <returns>The item.</returns>
    /// <exception cref="InvalidOperationException">The mix is empty.</exception>
    public T Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        State state = Volatile.Read(ref _state);
        if (state.Items.Length == 0)
        {
            throw new InvalidOperationException($"WeightedMix<{typeof(T).Name}> is empty: add at least one item with a weight.");
        }

        long ticket = random.NextInt64(state.Total);
        long[] ends = state.Ends;

        // First item whose cumulative weight passes the ticket.
        int low = 0;
        int high = ends.Length - 1;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (ends[middle] > ticket)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return state.Items[low];
    }

    /// <summary>Enumerates the items with their weights, in the order they were added.</summary>
    public IEnumerator<(int Weight, T Item)> GetEnumerator()
    {
        State state = Volatile.Read(ref _state);
        for (int i = 0; i < state.Items.Length; i++)
        {
            long start = i == 0 ? 0 : state.Ends[i - 1];
            yield return ((int)(state.Ends[i] - start), state.Items[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Items and cumulative weights, replaced whole on each <see cref="Add"/> so readers never lock.</summary>
    private sealed record State(T[] Items, long[] Ends, long Total);
}
