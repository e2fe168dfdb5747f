using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Ml.Embeddings;
using DriftWatch.Ml.Internal;

namespace DriftWatch.Ml;

/// <summary>
/// Adds ML detectors to a statistical <see cref="IDriftMonitor"/>: for every behaviour and every window the
/// wrapped monitor closes (same reference size, window size and window span), a domain classifier on the
/// texts, a randomized-PCA anomaly score of the window's profile and, when enabled, a MiniLM embedding
/// comparison of output texts. Their scores and alerts are appended to the step the wrapped monitor returns;
/// each detector keeps alert episodes, so a drift that persists alerts once. Deterministic for a given
/// event order (seeded samples, splits and permutations; single-threaded training). Not thread-safe.
/// </summary>
public sealed class MlDriftMonitor : IDriftMonitor, IDisposable
{
    private readonly IDriftMonitor _inner;
    private readonly DriftMonitorOptions _windows;
    private readonly MlShared _shared;
    private readonly Dictionary<BehaviourKey, MlBehaviourState> _behaviours = [];
    private readonly List<FeatureScore> _scores = [];
    private readonly List<DriftAlert> _alerts = [];

    /// <summary>Wraps a <see cref="DriftMonitor"/>, taking its window settings.</summary>
    public MlDriftMonitor(DriftMonitor inner, MlDetectionOptions? options = null)
        : this(inner, (inner ?? throw new ArgumentNullException(nameof(inner))).Options, options, embedder: null)
    {
    }

    /// <summary>
    /// Wraps any monitor; <paramref name="windows"/> gives the reference size, window size and window span,
    /// which should be the wrapped monitor's so that both layers score the same windows.
    /// </summary>
    public MlDriftMonitor(IDriftMonitor inner, DriftMonitorOptions windows, MlDetectionOptions? options = null)
        : this(inner, windows, options, embedder: null)
    {
    }

    internal MlDriftMonitor(IDriftMonitor inner, DriftMonitorOptions windows, MlDetectionOptions? options, ITextEmbedder? embedder)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(windows);
        windows.Validate();
        options ??= new MlDetectionOptions();
        options.Validate();
        _inner = inner;
        _windows = windows;
        Options = options;
        ITextEmbedder? cached = null;
        if (options.Embeddings.Enabled)
        {
            cached = new CachingEmbedder(embedder ?? new MiniLmEmbedder(), options.Embeddings.CacheCapacity, options.Embeddings.BatchSize);
        }

        _shared = new MlShared(cached, MlShared.AlphaFor(options, windows.CurrentWindowSize));
    }

    /// <summary>Builds a <see cref="DriftMonitor"/> with <paramref name="monitorOptions"/> and wraps it.</summary>
    public static MlDriftMonitor Create(DriftMonitorOptions? monitorOptions, MlDetectionOptions? options) =>
        new(new DriftMonitor(monitorOptions), options);

    /// <summary>The ML settings in force.</summary>
    public MlDetectionOptions Options { get; }

    /// <summary>The wrapped statistical monitor.</summary>
    public IDriftMonitor Inner => _inner;

    /// <summary>The false-alarm level of each ML test in one window (see <see cref="MlDetectionOptions.TargetEventsBetweenFalseAlarms"/>).</summary>
    public double TestLevel => _shared.Alpha;

    /// <inheritdoc />
    public DetectionStep Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var step = _inner.Observe(decision);
        var key = decision.Key;
        if (!_behaviours.TryGetValue(key, out var state))
        {
            state = new MlBehaviourState(key, _windows, Options, _shared);
            _behaviours.Add(key, state);
        }

        state.Observe(decision, _scores, _alerts, CancellationToken.None);
        if (_scores.Count == 0 && _alerts.Count == 0)
        {
            return step;
        }

        var combined = new DetectionStep([.. step.Scores, .. _scores], [.. step.Alerts, .. _alerts], step.Windows);
        _scores.Clear();
        _alerts.Clear();
        return combined;
    }

    /// <inheritdoc />
    public void Observe(StateEvent state) => _inner.Observe(state);

    /// <summary>Releases the embedding model, if it was loaded.</summary>
    public void Dispose() => _shared.Embedder?.Dispose();
}
