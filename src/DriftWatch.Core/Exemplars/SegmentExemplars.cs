namespace DriftWatch.Core.Exemplars;

/// <summary>
/// The exemplars of one segment of one behaviour: a bottom-k sample (lowest <see cref="Exemplar.Rank"/>) of the
/// reference, the same sample of the window that is filling while the reference is learned (merged into the
/// reference when that window is absorbed), and a ring of the latest decisions. Each holds at most k.
/// </summary>
internal sealed class SegmentExemplars(string? key, string? value, int capacity)
{
    private readonly List<Exemplar> _reference = new(capacity);
    private readonly List<Exemplar> _candidates = new(capacity);
    private readonly Exemplar?[] _recent = new Exemplar?[capacity];
    private int _recentNext;
    private int _recentCount;

    /// <summary>The input feature key; null for the whole behaviour.</summary>
    public string? Key { get; } = key;

    /// <summary>The input feature value; null for the whole behaviour.</summary>
    public string? Value { get; } = value;

    /// <summary>The segment name incidents use (<c>urgency=high</c>, or <c>all</c>).</summary>
    public string Name => Key is null ? ExemplarSet.AllSegments : $"{Key}={Value}";

    public IReadOnlyList<Exemplar> ReferenceSample => _reference;

    public IReadOnlyList<Exemplar> Candidates => _candidates;

    public void Add(Exemplar exemplar, bool learningReference)
    {
        _recent[_recentNext] = exemplar;
        _recentNext = (_recentNext + 1) % _recent.Length;
        _recentCount = Math.Min(_recentCount + 1, _recent.Length);
        if (learningReference)
        {
            Offer(_candidates, exemplar, capacity);
        }
    }

    /// <summary>The filling window was absorbed into the reference (true) or tested (false).</summary>
    public void WindowClosed(bool absorbed)
    {
        if (absorbed)
        {
            foreach (var candidate in _candidates)
            {
                Offer(_reference, candidate, capacity);
            }
        }

        _candidates.Clear();
    }

    /// <summary>The latest decisions, oldest first.</summary>
    public List<Exemplar> Recent()
    {
        var recent = new List<Exemplar>(_recentCount);
        int start = (_recentNext - _recentCount + _recent.Length) % _recent.Length;
        for (int i = 0; i < _recentCount; i++)
        {
            recent.Add(_recent[(start + i) % _recent.Length]!);
        }

        return recent;
    }

    public ExemplarSet ToSet() => new(
        Name,
        [.. _reference.OrderBy(static e => e.Timestamp).ThenBy(static e => e.EventId, StringComparer.Ordinal)],
        Recent());

    /// <summary>Restores the lists in the order <see cref="ReferenceSample"/>, <see cref="Candidates"/> and <see cref="Recent"/> gave them.</summary>
    public void Restore(IEnumerable<Exemplar> reference, IEnumerable<Exemplar> candidates, IReadOnlyList<Exemplar> recent)
    {
        _reference.AddRange(reference);
        _candidates.AddRange(candidates);
        if (_reference.Count > capacity || _candidates.Count > capacity || recent.Count > capacity)
        {
            throw new InvalidDataException($"Exemplar state of segment {Name} holds more than {capacity} exemplars per list.");
        }

        for (int i = 0; i < recent.Count; i++)
        {
            _recent[i] = recent[i];
        }

        _recentCount = recent.Count;
        _recentNext = recent.Count % _recent.Length;
    }

    /// <summary>Keeps the <paramref name="capacity"/> lowest ranks; a redelivered event (same id) is not sampled twice.</summary>
    internal static void Offer(List<Exemplar> sample, Exemplar exemplar, int capacity)
    {
        int highest = -1;
        for (int i = 0; i < sample.Count; i++)
        {
            if (sample[i].Rank == exemplar.Rank && string.Equals(sample[i].EventId, exemplar.EventId, StringComparison.Ordinal))
            {
                return;
            }

            if (highest < 0 || Above(sample[i], sample[highest]))
            {
                highest = i;
            }
        }

        if (sample.Count < capacity)
        {
            sample.Add(exemplar);
        }
        else if (Above(sample[highest], exemplar))
        {
            sample[highest] = exemplar;
        }
    }

    // Ties on the rank (a hash collision) are broken by the id, so the sample never depends on arrival order.
    private static bool Above(Exemplar a, Exemplar b) =>
        a.Rank > b.Rank || (a.Rank == b.Rank && string.CompareOrdinal(a.EventId, b.EventId) > 0);
}
