using DriftWatch.Ml.Internal;

namespace DriftWatch.Ml.Embeddings;

/// <summary>
/// Embeds texts through a bounded least-recently-used cache keyed by a 64-bit hash of the text, sending only
/// the misses to the model, in batches. Agents repeat their replies often, so most texts of a window are hits.
/// </summary>
internal sealed class CachingEmbedder(ITextEmbedder inner, int capacity, int batchSize) : ITextEmbedder
{
    private readonly Dictionary<ulong, LinkedListNode<(ulong Key, float[] Vector)>> _index = [];
    private readonly LinkedList<(ulong Key, float[] Vector)> _recency = [];

    public int Dimension => inner.Dimension;

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    public int Count => _index.Count;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = new float[texts.Count][];
        var missing = new List<string>();
        var missingKeys = new List<ulong>();
        var pending = new Dictionary<ulong, List<int>>();
        for (int i = 0; i < texts.Count; i++)
        {
            ulong key = StableHash.Of(texts[i]);
            if (_index.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                result[i] = node.Value.Vector;
                Hits++;
            }
            else if (pending.TryGetValue(key, out var waiting))
            {
                waiting.Add(i); // the same text twice in one request is embedded once
                Hits++;
            }
            else
            {
                pending.Add(key, [i]);
                missing.Add(texts[i]);
                missingKeys.Add(key);
            }
        }

        for (int start = 0; start < missing.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, missing.Count - start);
            var vectors = inner.Embed(missing.GetRange(start, count), cancellationToken);
            for (int j = 0; j < count; j++)
            {
                ulong key = missingKeys[start + j];
                Insert(key, vectors[j]);
                foreach (int i in pending[key])
                {
                    result[i] = vectors[j];
                }
            }

            Misses += count;
        }

        return result;
    }

    public void Dispose() => inner.Dispose();

    private void Insert(ulong key, float[] vector)
    {
        if (_index.Count >= capacity && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            _index.Remove(oldest.Value.Key);
        }

        _index[key] = _recency.AddFirst((key, vector));
    }
}
