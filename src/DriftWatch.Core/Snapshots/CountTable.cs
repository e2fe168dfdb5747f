using DriftWatch.Core.Detection.Checkpoints;

namespace DriftWatch.Core.Snapshots;

/// <summary>Mutable counts behind a <see cref="CategoryCounts"/> while a snapshot is built or merged.</summary>
internal sealed class CountTable
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly int _cap;

    public CountTable(int cap) => _cap = cap;

    public int Distinct => _counts.Count;

    public long Total
    {
        get
        {
            long total = 0;
            foreach (var n in _counts.Values)
            {
                total += n;
            }

            return total;
        }
    }

    public void Add(string category, long count = 1)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, category, out _);
        slot += count;

        // Memory stays bounded while building; folding only once the table is well past the cap keeps the
        // result identical to a single fold at the end whenever there are few distinct categories.
        if (_counts.Count > 8 * _cap)
        {
            Fold();
        }
    }

    public void AddAll(CategoryCounts counts)
    {
        foreach (var (key, n) in counts.Counts)
        {
            Add(key, n);
        }
    }

    public CategoryCounts ToCounts()
    {
        Fold();
        return new CategoryCounts(new SortedDictionary<string, long>(_counts, StringComparer.Ordinal));
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(_counts.Count);
        foreach (var (key, n) in _counts)
        {
            writer.Write(key);
            writer.Write(n);
        }
    }

    public void ReadFrom(BinaryReader reader)
    {
        _counts.Clear();
        int count = reader.ReadLength();
        for (int i = 0; i < count; i++)
        {
            _counts[reader.ReadString()] = reader.ReadInt64();
        }
    }

    private void Fold()
    {
        if (_counts.Count <= _cap)
        {
            return;
        }

        // Keep the cap-1 most frequent categories (ties broken by ordinal key so the result does not depend
        // on insertion order) and sum the rest into the other bucket.
        var ranked = _counts.Where(static kv => kv.Key != CategoryCounts.OtherKey)
            .OrderByDescending(static kv => kv.Value)
            .ThenBy(static kv => kv.Key, StringComparer.Ordinal)
            .ToList();
        long other = _counts.TryGetValue(CategoryCounts.OtherKey, out var existing) ? existing : 0;
        for (var i = _cap - 1; i < ranked.Count; i++)
        {
            other += ranked[i].Value;
            _counts.Remove(ranked[i].Key);
        }

        _counts[CategoryCounts.OtherKey] = other;
    }
}
