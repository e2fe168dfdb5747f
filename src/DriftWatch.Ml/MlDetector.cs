using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Detectors;
using DriftWatch.Core.Events;
using DriftWatch.Ml.Embeddings;
using DriftWatch.Ml.Internal;

namespace DriftWatch.Ml;

/// <summary>
/// The ML detectors as a sibling of the statistical tests: a domain classifier on the texts, a randomized-PCA
/// anomaly score of each window's profile and, when enabled, a MiniLM embedding comparison of output texts,
/// for every behaviour and every window a <see cref="DriftMonitor"/> closes. Its per-behaviour state lives in
/// the monitor's behaviour state (checkpointed, restored and evicted with it). Register it with
/// <see cref="AddTo(DriftMonitor, MlDetectionOptions?)"/>, before the monitor sees events.
/// </summary>
public sealed class MlDetector : IBehaviourDetector, IDisposable
{
    /// <summary>The name that tags this detector's checkpoint section.</summary>
    public const string DetectorName = "ml";

    private readonly DriftMonitorOptions _windows;
    private readonly MlShared _shared;

    private MlDetector(DriftMonitorOptions windows, MlDetectionOptions options, ITextEmbedder? embedder)
    {
        _windows = windows;
        Options = options;
        ITextEmbedder? cached = null;
        if (options.Embeddings.Enabled)
        {
            cached = new CachingEmbedder(embedder ?? new MiniLmEmbedder(), options.Embeddings.CacheCapacity, options.Embeddings.BatchSize);
        }

        _shared = new MlShared(cached, MlShared.AlphaFor(options, windows.CurrentWindowSize));
        SettingsFingerprint = JsonSerializer.Serialize(options);
    }

    /// <summary>The ML settings in force.</summary>
    public MlDetectionOptions Options { get; }

    /// <summary>The false-alarm level of each ML test in one window (see <see cref="MlDetectionOptions.TargetEventsBetweenFalseAlarms"/>).</summary>
    public double TestLevel => _shared.Alpha;

    /// <inheritdoc />
    public string Name => DetectorName;

    /// <inheritdoc />
    public string SettingsFingerprint { get; }

    /// <summary>Creates the ML detectors with <paramref name="options"/> and registers them on <paramref name="monitor"/>.</summary>
    public static MlDetector AddTo(DriftMonitor monitor, MlDetectionOptions? options = null) => AddTo(monitor, options, embedder: null);

    internal static MlDetector AddTo(DriftMonitor monitor, MlDetectionOptions? options, ITextEmbedder? embedder)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        options ??= new MlDetectionOptions();
        options.Validate();
        var detector = new MlDetector(monitor.Options, options, embedder);
        monitor.AddDetector(detector);
        return detector;
    }

    /// <inheritdoc />
    public IBehaviourDetectorState CreateState(BehaviourKey key) => new MlBehaviourState(key, _windows, Options, _shared);

    /// <summary>Releases the embedding model, if it was loaded.</summary>
    public void Dispose() => _shared.Embedder?.Dispose();
}
