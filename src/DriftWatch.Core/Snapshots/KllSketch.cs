namespace DriftWatch.Core.Snapshots;

/// <summary>
/// A KLL quantile sketch (Karnin, Lang, Liberty 2016) over doubles, deterministic and mergeable.
/// </summary>
/// <remarks>
/// <para>Error bound: with the default <c>k = 200</c>, the normalised rank error of a quantile query is at
/// most about 1.3% with 99% probability, for one sketch or for any merge of sketches. The bound depends on
/// <c>k</c> only, not on the stream length: <c>2.296 / k^0.9723</c> (<see cref="RankErrorBound"/>), the
/// empirical 99th percentile published for KLL by Apache DataSketches; the tests check it on sorted,
/// reversed and random streams and on merges.</para>
/// <para>Determinism: KLL needs a fair coin at each compaction. Instead of a random generator (whose state
/// would have to be stored and merged), the coin is a hash of the compacted items themselves, so the same
/// inputs in the same order always give the same sketch, and a sketch restored from JSON keeps behaving
/// exactly like the original.</para>
/// <para>Size: at most about <c>3k</c> retained items (4.8 KB of doubles at k = 200) however many values
/// were added.</para>
/// </remarks>
public sealed class KllSketch
{
    /// <summary>Default accuracy parameter.</summary>
    public const int DefaultK = 200;

    private const int MinLevelCapacity = 8;
    private const double CapacityDecay = 2.0 / 3.0;

    // A larger buffer for the unit-weight level only adds accuracy, and compacting it less often makes
    // adding a value several times cheaper (a compaction sorts and hashes the level).
    private const int LevelZeroMinCapacity = 64;

    // levels[0] holds items of weight 1, levels[h] items of weight 2^h.
    private readonly List<List<double>> _levels = [[]];

    // Capacities depend only on the number of levels, so they are cached until a level is added.
    private int[] _capacities = [];
    private int _totalCapacity;
    private int _retained;

    /// <summary>Creates an empty sketch.</summary>
    public KllSketch(int k = DefaultK)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, MinLevelCapacity);
        K = k;
    }

    /// <summary>Accuracy parameter: larger is more accurate and larger.</summary>
    public int K { get; }

    /// <summary>Number of values added (including those merged in).</summary>
    public long Count { get; private set; }

    /// <summary>Smallest value added; NaN when empty.</summary>
    public double Min { get; private set; } = double.NaN;

    /// <summary>Largest value added; NaN when empty.</summary>
    public double Max { get; private set; } = double.NaN;

    /// <summary>Whether no value was added.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Normalised rank error that holds with about 99% probability for this <see cref="K"/>.</summary>
    public double RankErrorBound => RankErrorFor(K);

    internal IReadOnlyList<IReadOnlyList<double>> Levels => _levels;

    internal static double RankErrorFor(int k) => 2.296 / Math.Pow(k, 0.9723);

    internal int RetainedItems => _retained;

    /// <summary>Adds one value; NaN and infinities are ignored because they have no rank.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        UpdateMinMax(value, value);
        Count++;
        _levels[0].Add(value);
        _retained++;
        if (_retained > TotalCapacity())
        {
            CompressIfNeeded();
        }
    }

    /// <summary>Returns a new sketch holding both inputs. Neither input is modified.</summary>
    public static KllSketch Merge(KllSketch a, KllSketch b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.K != b.K)
        {
            throw new ArgumentException($"Cannot merge KLL sketches with different k ({a.K} and {b.K}).", nameof(b));
        }

        var result = a.Clone();
        result.MergeFrom(b);
        return result;
    }

    /// <summary>
    /// The value at normalised rank <paramref name="q"/> in [0, 1]: q = 0 gives <see cref="Min"/>, q = 1
    /// <see cref="Max"/>. NaN when empty.
    /// </summary>
    public double Quantile(double q)
    {
        if (double.IsNaN(q) || q < 0 || q > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile must be in [0, 1].");
        }

        if (IsEmpty)
        {
            return double.NaN;
        }

        if (q == 0)
        {
            return Min;
        }

        if (q == 1)
        {
            return Max;
        }

        var items = WeightedItems();
        var target = q * Count;
        long cumulative = 0;
        foreach (var (value, weight) in items)
        {
            cumulative += weight;
            if (cumulative >= target)
            {
                return value;
            }
        }

        return Max;
    }

    /// <summary>Estimated fraction of values less than or equal to <paramref name="value"/>.</summary>
    public double Cdf(double value)
    {
        if (IsEmpty)
        {
            return double.NaN;
        }

        long below = 0;
        for (var h = 0; h < _levels.Count; h++)
        {
            var weight = 1L << h;
            foreach (var item in _levels[h])
            {
                if (item <= value)
                {
                    below += weight;
                }
            }
        }

        return (double)below / Count;
    }

    /// <summary>Retained items sorted by value with their weights (the sketch's view of the distribution).</summary>
    internal List<(double Value, long Weight)> WeightedItems()
    {
        var items = new List<(double Value, long Weight)>(RetainedItems);
        for (var h = 0; h < _levels.Count; h++)
        {
            var weight = 1L << h;
            foreach (var item in _levels[h])
            {
                items.Add((item, weight));
            }
        }

        items.Sort(static (x, y) => x.Value.CompareTo(y.Value));
        return items;
    }

    internal KllSketch Clone()
    {
        var copy = new KllSketch(K) { Count = Count, Min = Min, Max = Max, _retained = _retained };
        copy._levels.Clear();
        foreach (var level in _levels)
        {
            copy._levels.Add([.. level]);
        }

        return copy;
    }

    internal void MergeFrom(KllSketch other)
    {
        if (other.IsEmpty)
        {
            return;
        }

        UpdateMinMax(other.Min, other.Max);
        Count += other.Count;
        while (_levels.Count < other._levels.Count)
        {
            _levels.Add([]);
        }

        for (var h = 0; h < other._levels.Count; h++)
        {
            _levels[h].AddRange(other._levels[h]);
        }

        _retained += other._retained;

        CompressIfNeeded();
    }

    /// <summary>Rebuilds a sketch from its serialised parts; validates that the weights add up.</summary>
    internal static KllSketch Restore(int k, long count, double min, double max, IReadOnlyList<double[]> levels)
    {
        var sketch = new KllSketch(k) { Count = count, Min = min, Max = max };
        sketch._levels.Clear();
        long total = 0;
        for (var h = 0; h < levels.Count; h++)
        {
            sketch._levels.Add([.. levels[h]]);
            sketch._retained += levels[h].Length;
            total += levels[h].Length * (1L << h);
        }

        if (sketch._levels.Count == 0)
        {
            sketch._levels.Add([]);
        }

        if (total != count)
        {
            throw new FormatException($"KLL sketch levels weigh {total} but the count is {count}.");
        }

        return sketch;
    }

    private void UpdateMinMax(double min, double max)
    {
        Min = double.IsNaN(Min) || min < Min ? min : Min;
        Max = double.IsNaN(Max) || max > Max ? max : Max;
    }

    private int LevelCapacity(int level)
    {
        RefreshCapacities();
        return _capacities[level];
    }

    private int TotalCapacity()
    {
        RefreshCapacities();
        return _totalCapacity;
    }

    private void RefreshCapacities()
    {
        if (_capacities.Length == _levels.Count)
        {
            return;
        }

        // The top level gets k; each level below gets 2/3 of the one above, but never fewer than 8 items.
        _capacities = new int[_levels.Count];
        _totalCapacity = 0;
        for (var h = 0; h < _levels.Count; h++)
        {
            var depth = _levels.Count - h - 1;
            _capacities[h] = Math.Max(h == 0 ? LevelZeroMinCapacity : MinLevelCapacity, (int)Math.Ceiling(K * Math.Pow(CapacityDecay, depth)));
            _totalCapacity += _capacities[h];
        }
    }

    private void CompressIfNeeded()
    {
        while (RetainedItems > TotalCapacity())
        {
            CompactOneLevel();
        }
    }

    private void CompactOneLevel()
    {
        // The lowest level over its capacity is compacted: half its items (every other one after sorting)
        // move up with double weight, which keeps every rank within the KLL error bound.
        var h = 0;
        while (_levels[h].Count < LevelCapacity(h))
        {
            h++;
        }

        if (h + 1 == _levels.Count)
        {
            _levels.Add([]);
        }

        var level = _levels[h];
        level.Sort();
        double? leftover = null;
        if (level.Count % 2 == 1)
        {
            // An odd item stays behind so the total weight is preserved exactly.
            leftover = level[^1];
            level.RemoveAt(level.Count - 1);
        }

        var offset = Coin(level, h);
        var up = _levels[h + 1];
        for (var i = offset; i < level.Count; i += 2)
        {
            up.Add(level[i]);
        }

        _retained -= level.Count / 2;

        level.Clear();
        if (leftover is { } kept)
        {
            level.Add(kept);
        }
    }

    private static int Coin(List<double> items, int level)
    {
        // FNV-1a over the items' bits, then a splitmix finaliser: a fair-looking, reproducible coin.
        var hash = 14695981039346656037UL ^ (ulong)level;
        foreach (var item in items)
        {
            hash ^= (ulong)BitConverter.DoubleToInt64Bits(item);
            hash *= 1099511628211UL;
        }

        hash ^= hash >> 30;
        hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27;
        hash *= 0x94d049bb133111ebUL;
        hash ^= hash >> 31;
        return (int)(hash & 1);
    }
}
