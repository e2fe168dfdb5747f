namespace DriftWatch.Ml.Internal;

/// <summary>FNV-1a over UTF-16 code units: stable across processes, unlike string.GetHashCode.</summary>
internal static class StableHash
{
    public static ulong Of(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return hash;
    }

    /// <summary>A per-behaviour seed, so behaviours sample independently yet reproducibly.</summary>
    public static int Seed(int seed, string key, int stream) =>
        (int)((Of(key) ^ ((ulong)(uint)seed << 16) ^ ((ulong)(uint)stream * 0x9E3779B97F4A7C15)) % int.MaxValue);
}
