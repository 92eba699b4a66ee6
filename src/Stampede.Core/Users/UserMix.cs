namespace Stampede;

/// <summary>
/// The deterministic order in which user classes are spawned: fixed-count classes first, then the
/// weighted classes by smooth weighted round-robin, so every prefix of the sequence (the users
/// running at any moment of a ramp, since ramp-down stops the newest first) is as close to the
/// weights as whole users allow.
/// </summary>
internal sealed class UserMix
{
    private readonly List<UserClassInfo> _sequence = [];
    private readonly UserClassInfo[] _weighted;
    private readonly long[] _current;
    private readonly long _totalWeight;

    public UserMix(IReadOnlyList<UserClassInfo> classes)
    {
        foreach (UserClassInfo c in classes)
        {
            for (int i = 0; i < c.FixedCount; i++)
            {
                _sequence.Add(c);
            }
        }

        FixedTotal = _sequence.Count;
        _weighted = [.. classes.Where(c => c.FixedCount == 0 && c.Weight > 0)];
        _current = new long[_weighted.Length];
        _totalWeight = _weighted.Sum(c => (long)c.Weight);
    }

    public int FixedTotal { get; }

    /// <summary>The class of the user with spawn index <paramref name="index"/>, or <see langword="null"/> if only fixed-count classes exist and all are spawned.</summary>
    public UserClassInfo? ClassAt(int index)
    {
        while (_sequence.Count <= index)
        {
            if (_weighted.Length == 0)
            {
                return null;
            }

            int best = 0;
            for (int i = 0; i < _weighted.Length; i++)
            {
                _current[i] += _weighted[i].Weight;
                if (_current[i] > _current[best])
                {
                    best = i;
                }
            }

            _current[best] -= _totalWeight;
            _sequence.Add(_weighted[best]);
        }

        return _sequence[index];
    }
}
