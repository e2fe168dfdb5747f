namespace DriftWatch.Core.Snapshots;

/// <summary>
/// FNV-1a over UTF-16 code units: unlike <see cref="string.GetHashCode()"/> it is the same in every process,
/// which hashed text buckets need to be comparable across snapshots.
/// </summary>
internal static class TermHash
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(ReadOnlySpan<char> term)
    {
        var hash = Offset;
        foreach (var c in term)
        {
            hash ^= c;
            hash *= Prime;
        }

        return Finalise(hash);
    }

    public static ulong Combine(ulong first, ulong second) => Finalise((first * 31) ^ second ^ 0x9e3779b97f4a7c15UL);

    private static ulong Finalise(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }
}
