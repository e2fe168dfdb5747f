using BenchmarkDotNet.Attributes;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Ml;
using DriftWatch.Ml.Embeddings;
using DriftWatch.Ml.Internal;
using DriftWatch.Ml.Text;
using DriftWatch.Simulation;

namespace DriftWatch.Benchmarks;

/// <summary>
/// What one closed window of 250 events costs. Baseline: the statistical <see cref="DriftMonitor"/> taking
/// 250 events of an armed behaviour (one window, all its tests). Against it: <see cref="MlDriftMonitor"/>
/// with its defaults (statistical tests, domain classifier on output.text and input.text, PCA anomaly) on the
/// same 250 events; the domain classifier alone on one text feature (250 reference vs 250 window texts); and
/// the embedding comparison of 64 + 64 MiniLM vectors with 2,000 permutations (embedding itself excluded).
/// </summary>
public class MlWindowCostBenchmarks
{
    private const int Window = 250;
    private DecisionEvent[] _stream = [];
    private DriftMonitor _statistical = null!;
    private MlDriftMonitor _ml = null!;
    private int _nextStatistical;
    private int _nextMl;
    private List<string> _referenceTexts = [];
    private List<string> _windowTexts = [];
    private DomainClassifier _classifier = null!;
    private float[][] _referenceVectors = [];
    private float[][] _windowVectors = [];

    [GlobalSetup]
    public void Setup()
    {
        var options = new SimulationOptions { Agents = 1, Events = 8000, Scenarios = { DriftScenario.Parse("new-reply-vocabulary:onset=0.5") } };
        _stream = [.. new FleetSimulator(options).Generate().Where(r => r.Decision is not null).Select(r => r.Decision!)];
        _statistical = new DriftMonitor(new DriftMonitorOptions { CurrentWindowDuration = null });
        _ml = new MlDriftMonitor(new DriftMonitor(new DriftMonitorOptions { CurrentWindowDuration = null }), new MlDetectionOptions());
        for (int i = 0; i < 2000; i++)
        {
            _statistical.Observe(_stream[i]);
            _ml.Observe(_stream[i]);
        }

        _nextStatistical = _nextMl = 2000;
        _referenceTexts = [.. _stream.Take(250).Select(e => e.OutputText ?? "")];
        _windowTexts = [.. _stream.Skip(5000).Take(250).Select(e => e.OutputText ?? "")];
        _classifier = new DomainClassifier(new DomainClassifierOptions());

        using var embedder = new CachingEmbedder(new MiniLmEmbedder(), 1024, 16);
        _referenceVectors = embedder.Embed(_referenceTexts.Take(64).ToArray(), CancellationToken.None);
        _windowVectors = embedder.Embed(_windowTexts.Take(64).ToArray(), CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup() => _ml.Dispose();

    [Benchmark(Baseline = true)]
    public int StatisticalWindow() => Feed(_statistical, ref _nextStatistical);

    [Benchmark]
    public int MlDefaultsWindow() => Feed(_ml, ref _nextMl);

    [Benchmark]
    public double DomainClassifierOneFeature() =>
        _classifier.Test(_referenceTexts, _windowTexts, seed: 7, DriftWatch.Core.Statistics.SpecialFunctions.NormalInverseSurvival(8.3e-4)).Auc;

    [Benchmark]
    public double EmbeddingComparison64() =>
        EmbeddingDriftTest.Run(_referenceVectors, _windowVectors, 5e-4, 2000, seed: 7).Mmd;

    // Cycles over the armed part of the stream; event time then jumps back, which count-closed windows ignore.
    private int Feed(IDriftMonitor monitor, ref int next)
    {
        int results = 0;
        for (int i = 0; i < Window; i++)
        {
            if (next == _stream.Length)
            {
                next = 2000;
            }

            var step = monitor.Observe(_stream[next++]);
            results += step.Scores.Count + step.Alerts.Count;
        }

        return results;
    }
}
