namespace DriftWatch.Ml.Internal;

/// <summary>Uniform sample of at most <c>capacity</c> items of a stream (Algorithm R) with its own seeded generator.</summary>
internal sealed class Reservoir<T>(int capacity, int seed)
{
    private readonly List<T> _items = new(Math.Min(capacity, 1024));
    private readonly Random _random = new(seed);
    private long _seen;

    public IReadOnlyList<T> Items => _items;

    public long Seen => _seen;

    public void Add(T item)
    {
        _seen++;
        if (_items.Count < capacity)
        {
            _items.Add(item);
            return;
        }

        long slot = _random.NextInt64(_seen);
        if (slot < capacity)
        {
            _items[(int)slot] = item;
        }
    }

    public void Clear()
    {
        _items.Clear();
        _seen = 0;
    }
}
