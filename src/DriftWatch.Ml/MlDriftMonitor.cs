using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Ml.Embeddings;

namespace DriftWatch.Ml;

/// <summary>
/// A <see cref="DriftMonitor"/> with the ML detectors (<see cref="MlDetector"/>) registered on it: the
/// domain classifier, the PCA window anomaly score and, when enabled, the embedding comparison run on the
/// windows the monitor closes, and their scores and alerts follow the statistical ones in each step. Each
/// detector keeps alert episodes, so a drift that persists alerts once. Deterministic for a given event
/// order (seeded samples, splits and permutations; single-threaded training). The ML state is part of the
/// monitor's behaviour state: checkpoint, restore and evict the monitor (<see cref="Inner"/>). Not thread-safe.
/// </summary>
public sealed class MlDriftMonitor : IDriftMonitor, IDisposable
{
    private readonly DriftMonitor _inner;
    private readonly MlDetector _detector;

    /// <summary>Registers the ML detectors on <paramref name="inner"/>, which must not hold state yet.</summary>
    public MlDriftMonitor(DriftMonitor inner, MlDetectionOptions? options = null)
        : this(inner, options, embedder: null)
    {
    }

    internal MlDriftMonitor(DriftMonitor inner, MlDetectionOptions? options, ITextEmbedder? embedder)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _detector = MlDetector.AddTo(inner, options, embedder);
    }

    /// <summary>Builds a <see cref="DriftMonitor"/> with <paramref name="monitorOptions"/> and registers the ML detectors on it.</summary>
    public static MlDriftMonitor Create(DriftMonitorOptions? monitorOptions, MlDetectionOptions? options) =>
        new(new DriftMonitor(monitorOptions), options);

    /// <summary>The ML settings in force.</summary>
    public MlDetectionOptions Options => _detector.Options;

    /// <summary>The monitor that runs the statistical and the ML detectors and owns their state.</summary>
    public DriftMonitor Inner => _inner;

    /// <summary>The false-alarm level of each ML test in one window (see <see cref="MlDetectionOptions.TargetEventsBetweenFalseAlarms"/>).</summary>
    public double TestLevel => _detector.TestLevel;

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision) => _inner.Observe(decision);

    /// <inheritdoc />
    public void Observe(StateEvent state) => _inner.Observe(state);

    /// <summary>Releases the embedding model, if it was loaded.</summary>
    public void Dispose() => _detector.Dispose();
}
