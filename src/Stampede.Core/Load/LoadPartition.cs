namespace Stampede.Load;

/// <summary>
/// One agent's share of a distributed run's load. The run is planned as if one generator sent it all; the agents
/// deal it out: in the closed model the user with global index <c>g</c> runs on the agent with index <c>g mod N</c>,
/// so weights and fixed counts hold across agents as on one machine (the class of user <c>g</c> is the one generator's
/// class of its <c>g</c>-th user); in the open model every agent draws the whole schedule from the run's one seed and
/// starts arrival <c>n</c> only when <c>n mod N</c> is its index, so the union of the agents' arrivals is exactly the
/// requested process (constant spacing stays evenly spaced, Poisson stays Poisson, the class picks stay the same).
/// </summary>
/// <remarks>
/// When agents are lost and the run re-plans (<c>--replan-lost</c>), a new epoch begins at a second: the survivors
/// renumber <c>0..M-1</c> and deal the load <c>mod M</c> from then on. Safe to read from any thread; epochs are added by
/// one thread.
/// </remarks>
internal sealed class LoadPartition
{
    private volatile Epoch[] _epochs;

    /// <param name="index">This agent's index, 0 to <paramref name="count"/> − 1.</param>
    /// <param name="count">The agents sharing the load, 1 or more.</param>
    public LoadPartition(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        _epochs = [new Epoch(0, index, count)];
    }

    /// <summary>This agent's index now.</summary>
    public int Index => _epochs[^1].Index;

    /// <summary>The agents sharing the load now.</summary>
    public int Count => _epochs[^1].Count;

    /// <summary>From <paramref name="fromSeconds"/> of the run on, this agent is <paramref name="index"/> of <paramref name="count"/> (a re-plan).</summary>
    public void Replan(int index, int count, double fromSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        _epochs = [.. _epochs, new Epoch(fromSeconds, index, count)];
    }

    /// <summary>This agent's part of <paramref name="users"/> global users: the global indices 0…users−1 it holds now.</summary>
    public int Share(int users) => Share(users, Index, Count);

    /// <summary>The global indices below <paramref name="total"/> congruent to <paramref name="index"/> modulo <paramref name="count"/>.</summary>
    public static int Share(int total, int index, int count) => total <= index ? 0 : ((total - index - 1) / count) + 1;

    /// <summary>The global index of this agent's <paramref name="local"/>-th user (0-based, in spawn order).</summary>
    public int GlobalIndex(int local) => (local * Count) + Index;

    /// <summary>Whether arrival <paramref name="arrival"/> (0-based, of the whole schedule) due at <paramref name="dueSeconds"/> is this agent's.</summary>
    public bool Owns(long arrival, double dueSeconds)
    {
        Epoch[] epochs = _epochs;
        Epoch epoch = epochs[0];
        for (int i = epochs.Length - 1; i > 0; i--)
        {
            if (dueSeconds >= epochs[i].FromSeconds)
            {
                epoch = epochs[i];
                break;
            }
        }

        return arrival % epoch.Count == epoch.Index;
    }

    /// <summary>This agent's fraction of the load now: 1 / <see cref="Count"/>.</summary>
    public double Fraction => 1.0 / Count;

    /// <summary>In words: <c>34 of 100 users</c>, <c>1 in 3 arrivals</c>.</summary>
    public string Describe(int? users) => users is { } total
        ? $"{Share(total)} of {total} users"
        : $"1 in {Count} arrivals";

    private sealed record Epoch(double FromSeconds, int Index, int Count);
}
