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

    /// <summary>
    /// Adds the text's unigrams and bigrams to <paramref name="buckets"/> with weight 1/(their number), so one
    /// text adds a total mass of 1 (nothing when it has no words). Returns the number of n-grams.
    /// </summary>
    /// <remarks>
    /// Unit mass per text makes the bucket counts behave no more variably than one categorical draw per
    /// text, however strongly the words of a text hang together (templated replies, say): the chi-square
    /// test on them then keeps its false-alarm rate, where counting every n-gram as an independent draw
    /// would not.
    /// </remarks>
    public static int AccumulateNormalised(ReadOnlySpan<char> text, Span<double> buckets)
    {
        // One hashing pass into a stack buffer of bucket indices, then the weighted adds; long texts
        // fall back to two passes rather than renting memory.
        const int maxBuffered = 256;
        Span<int> indices = stackalloc int[maxBuffered];
        int count = 0;
        uint previous = 0;
        bool hasPrevious = false;
        int i = 0;
        while (NextWord(text, ref i, out uint word))
        {
            if (count + 2 > maxBuffered)
            {
                int total = Accumulate(text, Span<double>.Empty, 0);
                Accumulate(text, buckets, 1.0 / total);
                return total;
            }

            indices[count++] = Bucket(word, buckets.Length);
            if (hasPrevious)
            {
                indices[count++] = Bucket(Bigram(previous, word), buckets.Length);
            }

            previous = word;
            hasPrevious = true;
        }

        if (count == 0)
        {
            return 0;
        }

        double weight = 1.0 / count;
        foreach (int index in indices[..count])
        {
            buckets[index] += weight;
        }

        return count;
    }

    /// <summary>Adds the text's unigrams and bigrams to <paramref name="buckets"/>; returns how many were added.</summary>
    public static int Accumulate(ReadOnlySpan<char> text, Span<double> buckets, double weight = 1)
    {
        int count = 0;
        uint previous = 0;
        bool hasPrevious = false;
        int i = 0;
        bool counting = buckets.IsEmpty;
        while (NextWord(text, ref i, out uint word))
        {
            count++;
            if (!counting)
            {
                buckets[Bucket(word, buckets.Length)] += weight;
            }

            if (hasPrevious)
            {
                count++;
                if (!counting)
                {
                    buckets[Bucket(Bigram(previous, word), buckets.Length)] += weight;
                }
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
        while (i < text.Length)
        {
            char c = text[i];
            if (c < 128)
            {
                // ASCII fast path: the same answers as char.IsLetterOrDigit / ToLowerInvariant.
                if (char.IsAsciiLetterUpper(c))
                {
                    c = (char)(c | 0x20);
                }
                else if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
                {
                    break;
                }
            }
            else if (char.IsLetterOrDigit(c))
            {
                c = char.ToLowerInvariant(c);
            }
            else
            {
                break;
            }

            hash = (hash ^ c) * FnvPrime;
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
