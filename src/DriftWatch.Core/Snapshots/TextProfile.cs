namespace DriftWatch.Core.Snapshots;

/// <summary>
/// A fixed-size summary of one text feature: token and bigram counts hashed into a fixed number of
/// buckets (exact and mergeable), plus a bounded list of frequent terms for people to read.
/// </summary>
public sealed class TextProfile
{
    internal TextProfile(long documents, long tokens, long[] buckets, SortedDictionary<string, long> topTerms)
    {
        Documents = documents;
        Tokens = tokens;
        BucketCounts = buckets;
        TopTerms = topTerms;
    }

    /// <summary>Number of texts seen.</summary>
    public long Documents { get; }

    /// <summary>Number of tokens seen.</summary>
    public long Tokens { get; }

    /// <summary>Hashed unigram and bigram counts; the bucket of a term is stable across runs and machines.</summary>
    public IReadOnlyList<long> BucketCounts { get; }

    /// <summary>
    /// Frequent terms with lower-bound counts (Misra-Gries): a term's true count exceeds its listed count by
    /// at most <c>Tokens / (capacity + 1)</c>, and any term more frequent than that is listed.
    /// </summary>
    public IReadOnlyDictionary<string, long> TopTerms { get; }
}
