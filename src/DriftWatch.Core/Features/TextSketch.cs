namespace DriftWatch.Core.Features;

/// <summary>
/// Hashed word n-gram sketch of text: lower-cased words (runs of letters and digits) and adjacent word
/// pairs, each hashed with FNV-1a (stable across processes, unlike string.GetHashCode) into a fixed
/// number of buckets. Two texts' bucket counts are then compared as categorical distributions, which
/// catches new vocabulary and changed phrasing at a cost of one pass over the characters.
/// </summary>
public static class TextSketch
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint BigramSalt = 0x9E3779B9;

    /// <summary>Adds the text's unigrams and bigrams to <paramref name="buckets"/>; returns how many were added.</summary>
    public static int Accumulate(ReadOnlySpan<char> text, Span<double> buckets)
    {
        int count = 0;
        uint previous = 0;
        bool hasPrevious = false;
        int i = 0;
        while (NextWord(text, ref i, out uint word))
        {
            buckets[Bucket(word, buckets.Length)] += 1;
            count++;
            if (hasPrevious)
            {
                buckets[Bucket(Bigram(previous, word), buckets.Length)] += 1;
                count++;
            }

            previous = word;
            hasPrevious = true;
        }

        return count;
    }

    /// <summary>
    /// The distinct unigrams and bigrams of a text with their buckets, for naming the n-grams behind a
    /// bucket that moved. Allocates; not for the per-event path.
    /// </summary>
    public static IReadOnlyList<(string Ngram, int Bucket)> Ngrams(string text, int bucketCount)
    {
        var result = new List<(string, int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? previousWord = null;
        uint previous = 0;
        int i = 0;
        while (true)
        {
            int start = SkipSeparators(text, i);
            if (start >= text.Length)
            {
                break;
            }

            int end = start;
            while (end < text.Length && char.IsLetterOrDigit(text[end]))
            {
                end++;
            }

            i = end;
            string word = text[start..end].ToLowerInvariant();
            uint hash = Hash(word);
            if (seen.Add(word))
            {
                result.Add((word, Bucket(hash, bucketCount)));
            }

            if (previousWord is not null)
            {
                string bigram = previousWord + " " + word;
                if (seen.Add(bigram))
                {
                    result.Add((bigram, Bucket(Bigram(previous, hash), bucketCount)));
                }
            }

            previousWord = word;
            previous = hash;
        }

        return result;
    }

    private static bool NextWord(ReadOnlySpan<char> text, ref int i, out uint hash)
    {
        i = SkipSeparators(text, i);
        if (i >= text.Length)
        {
            hash = 0;
            return false;
        }

        hash = FnvOffset;
        while (i < text.Length && char.IsLetterOrDigit(text[i]))
        {
            hash = (hash ^ char.ToLowerInvariant(text[i])) * FnvPrime;
            i++;
        }

        return true;
    }

    private static int SkipSeparators(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && !char.IsLetterOrDigit(text[i]))
        {
            i++;
        }

        return i;
    }

    private static uint Hash(string lowerWord)
    {
        uint hash = FnvOffset;
        foreach (char c in lowerWord)
        {
            hash = (hash ^ c) * FnvPrime;
        }

        return hash;
    }

    private static uint Bigram(uint first, uint second) => ((first * FnvPrime) ^ BigramSalt) + (second * 0x85EBCA6B);

    private static int Bucket(uint hash, int bucketCount)
    {
        // Final avalanche so that nearby hashes spread over all buckets.
        hash ^= hash >> 16;
        hash *= 0x7FEB352D;
        hash ^= hash >> 15;
        return (int)(hash % (uint)bucketCount);
    }
}
