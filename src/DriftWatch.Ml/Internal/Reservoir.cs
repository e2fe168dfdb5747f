using DriftWatch.Core.Detection.Checkpoints;

namespace DriftWatch.Ml.Internal;

/// <summary>
/// Uniform sample of at most <c>capacity</c> items of a stream (Algorithm R) with its own seeded generator.
/// The generator is SplitMix64 rather than <see cref="Random"/> because its whole state is one number, so a
/// checkpoint carries it and a restored sample goes on exactly as the original would.
/// </summary>
internal sealed class Reservoir<T>(int capacity, int seed)
{
    private readonly List<T> _items = new(Math.Min(capacity, 1024));
    private ulong _state = (ulong)(uint)seed * 0x9E3779B97F4A7C15;
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

        long slot = Next(_seen);
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

    public void WriteTo(BinaryWriter writer, Action<BinaryWriter, T> write)
    {
        writer.Write(_state);
        writer.Write(_seen);
        writer.Write7BitEncodedInt(_items.Count);
        foreach (var item in _items)
        {
            write(writer, item);
        }
    }

    public void ReadFrom(BinaryReader reader, Func<BinaryReader, T> read)
    {
        _state = reader.ReadUInt64();
        _seen = reader.ReadInt64();
        int count = reader.ReadLength();
        if (count > capacity || count > _seen)
        {
            throw new InvalidDataException($"A sample of {count} items does not fit a capacity of {capacity} after {_seen} seen.");
        }

        _items.Clear();
        for (int i = 0; i < count; i++)
        {
            _items.Add(read(reader));
        }
    }

    // Uniform in [0, bound) by the high half of a 64x64-bit product; the bias for bounds far below 2^64 is negligible.
    private long Next(long bound)
    {
        _state += 0x9E3779B97F4A7C15;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (long)Math.BigMul(z, (ulong)bound, out _);
    }
}
