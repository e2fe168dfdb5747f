using System.Runtime.CompilerServices;
using System.Text;

namespace DriftWatch.Core.Events;

/// <summary>
/// The few strings that repeat on every event (agent, environment, decision, outcome, map keys, categorical
/// values) decoded once and shared, so parsing does not allocate and decode them again per event and later
/// dictionary look-ups compare references first. A fixed-size table: a new value evicts whatever shared its
/// slot, so a stream of unique values (ids) costs one decode each and the memory stays bounded. Safe for
/// concurrent parsers: an entry is immutable and published by a single reference write.
/// </summary>
internal static class Utf8StringPool
{
    /// <summary>Longer values are decoded without the pool: identifiers that long are rarely repeated.</summary>
    public const int MaxPooledBytes = 64;

    private const int Slots = 4096; // a power of two

    private static readonly Entry?[] Table = new Entry?[Slots];

    /// <summary>The string for <paramref name="utf8"/> (valid UTF-8), shared when it was seen recently.</summary>
    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxPooledBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        int slot = (int)(Hash(utf8) & (Slots - 1));
        var entry = Volatile.Read(ref Table[slot]);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Value;
        }

        string value = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref Table[slot], new Entry(utf8.ToArray(), value));
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        // FNV-1a: short keys, and only a slot index is needed.
        uint hash = 2166136261;
        foreach (byte b in utf8)
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    private sealed record Entry(byte[] Utf8, string Value);
}
