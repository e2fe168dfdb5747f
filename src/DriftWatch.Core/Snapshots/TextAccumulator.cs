using System.Runtime.InteropServices;
using DriftWatch.Core.Detection.Checkpoints;

namespace DriftWatch.Core.Snapshots;

/// <summary>Builds a <see cref="TextProfile"/>: tokenises without allocating except for new frequent terms.</summary>
internal sealed class TextAccumulator
{
    private const int MaxTokenLength = 32;

    private readonly long[] _buckets;
    private readonly int _topCapacity;

    // Misra-Gries counters keyed by the term's 64-bit hash so that a known term costs no allocation.
    private readonly Dictionary<ulong, (string Term, long Count)> _top = [];
    private long _documents;
    private long _tokens;

    public TextAccumulator(int buckets, int topCapacity)
    {
        _buckets = new long[buckets];
        _topCapacity = topCapacity;
    }

    public void Add(string text)
    {
        _documents++;
        var span = text.AsSpan();
        Span<char> token = stackalloc char[MaxTokenLength];
        ulong previous = 0;
        var hasPrevious = false;
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && !char.IsLetterOrDigit(span[i]))
            {
                i++;
            }

            var length = 0;
            while (i < span.Length && char.IsLetterOrDigit(span[i]))
            {
                if (length < MaxTokenLength)
                {
                    token[length++] = char.ToLowerInvariant(span[i]);
                }

                i++;
            }

            if (length == 0)
            {
                continue;
            }

            var term = token[..length];
            var hash = TermHash.Of(term);
            _tokens++;
            _buckets[Bucket(hash)]++;
            if (hasPrevious)
            {
                _buckets[Bucket(TermHash.Combine(previous, hash))]++;
            }

            AddTop(hash, term, 1);
            previous = hash;
            hasPrevious = true;
        }
    }

    public void AddAll(TextProfile profile)
    {
        if (profile.BucketCounts.Count != _buckets.Length)
        {
            throw new ArgumentException($"Text profiles have {profile.BucketCounts.Count} and {_buckets.Length} buckets; they cannot be merged.");
        }

        _documents += profile.Documents;
        _tokens += profile.Tokens;
        for (var b = 0; b < _buckets.Length; b++)
        {
            _buckets[b] += profile.BucketCounts[b];
        }

        foreach (var (term, count) in profile.TopTerms)
        {
            AddTop(TermHash.Of(term), term, count);
        }
    }

    public TextProfile ToProfile()
    {
        Reduce(_topCapacity);
        var top = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (term, count) in _top.Values)
        {
            top[term] = count;
        }

        return new TextProfile(_documents, _tokens, (long[])_buckets.Clone(), top);
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(_documents);
        writer.Write(_tokens);
        writer.Write7BitEncodedInt(_buckets.Length);
        foreach (long bucket in _buckets)
        {
            writer.Write(bucket);
        }

        writer.Write7BitEncodedInt(_top.Count);
        foreach (var (hash, (term, count)) in _top)
        {
            writer.Write(hash);
            writer.Write(term);
            writer.Write(count);
        }
    }

    public void ReadFrom(BinaryReader reader)
    {
        _documents = reader.ReadInt64();
        _tokens = reader.ReadInt64();
        if (reader.ReadLength() != _buckets.Length)
        {
            throw new InvalidDataException("Text accumulator of another bucket count.");
        }

        for (int i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = reader.ReadInt64();
        }

        _top.Clear();
        int count = reader.ReadLength();
        for (int i = 0; i < count; i++)
        {
            _top[reader.ReadUInt64()] = (reader.ReadString(), reader.ReadInt64());
        }
    }

    private int Bucket(ulong hash) => (int)(hash % (ulong)_buckets.Length);

    private void AddTop(ulong hash, ReadOnlySpan<char> term, long count)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_top, hash, out var exists);
        slot = exists ? (slot.Term, slot.Count + count) : (term.ToString(), count);

        // Let the table grow to twice the capacity before reducing, so the reduction cost is amortised.
        if (_top.Count > 2 * _topCapacity)
        {
            Reduce(_topCapacity);
        }
    }

    private void Reduce(int capacity)
    {
        if (_top.Count <= capacity)
        {
            return;
        }

        // Misra-Gries reduction: subtract the (capacity+1)-th largest count from every counter and drop
        // those that reach zero. This is the rule that makes the summary mergeable with its error bound.
        var counts = _top.Values.Select(static v => v.Count).OrderByDescending(static c => c).ToList();
        var cut = counts[capacity];
        foreach (var (hash, (term, count)) in _top.ToList())
        {
            if (count <= cut)
            {
                _top.Remove(hash);
            }
            else
            {
                _top[hash] = (term, count - cut);
            }
        }
    }
}
