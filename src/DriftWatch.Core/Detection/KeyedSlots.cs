using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace DriftWatch.Core.Detection;

/// <summary>
/// Values by string key (a behaviour's trackers per input feature, label or metric; a feature's category
/// slots), found first by reference: the parser hands out the same pooled string for a key or value on every
/// event, so the few most used keys are matched by comparing references, without hashing the string. Any
/// other string (not pooled, or beyond the first few keys) falls back to an ordinal dictionary, so the answer
/// is always the one the dictionary gives.
/// </summary>
internal sealed class KeyedSlots<T>
{
    // Keys scanned by reference before hashing; the families and categories of a behaviour are mostly this few.
    private const int ReferenceScan = 8;

    private readonly Dictionary<string, T> _byKey = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, T>> _first = new(ReferenceScan);

    public int Count => _byKey.Count;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value)
    {
        foreach (var entry in CollectionsMarshal.AsSpan(_first))
        {
            if (ReferenceEquals(entry.Key, key))
            {
                value = entry.Value;
                return true;
            }
        }

        return _byKey.TryGetValue(key, out value);
    }

    /// <summary>Adds a key not present yet (throws when it is, as a dictionary does).</summary>
    public void Add(string key, T value)
    {
        _byKey.Add(key, value);
        if (_first.Count < ReferenceScan)
        {
            _first.Add(new(key, value));
        }
    }
}
