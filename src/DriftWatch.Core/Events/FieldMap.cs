using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace DriftWatch.Core.Events;

/// <summary>
/// A parsed event's small string-keyed map (input features, labels, metrics, a state's segment): its few
/// entries in one array, in message order, the order a <see cref="Dictionary{TKey, TValue}"/> built from the
/// same message enumerates. A third of a dictionary's size, and at this size a look-up is faster by scanning
/// than by hashing: keys come from <see cref="Utf8StringPool"/>, so most comparisons match on the reference.
/// </summary>
internal sealed class FieldMap<TValue> : IReadOnlyDictionary<string, TValue>
{
    private KeyValuePair<string, TValue>[] _entries = new KeyValuePair<string, TValue>[4];
    private int _count;

    /// <summary>The entries in message order.</summary>
    public ReadOnlySpan<KeyValuePair<string, TValue>> Entries => _entries.AsSpan(0, _count);

    public int Count => _count;

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' was not present.");

    public IEnumerable<string> Keys => _entries.Take(_count).Select(e => e.Key);

    public IEnumerable<TValue> Values => _entries.Take(_count).Select(e => e.Value);

    /// <summary>Adds an entry; false (and nothing added) when the key is present already.</summary>
    public bool TryAdd(string key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IndexOf(key) >= 0)
        {
            return false;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count++] = new(key, value);
        return true;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        int index = IndexOf(key);
        if (index < 0)
        {
            value = default;
            return false;
        }

        value = _entries[index].Value;
        return true;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        for (int i = 0; i < _count; i++)
        {
            yield return _entries[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var entries = Entries;
        for (int i = 0; i < entries.Length; i++)
        {
            if (string.Equals(entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
