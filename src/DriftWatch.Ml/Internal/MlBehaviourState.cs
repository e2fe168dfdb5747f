using System.Globalization;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Ml.Embeddings;
using DriftWatch.Ml.Text;
using DriftWatch.Ml.Windows;

namespace DriftWatch.Ml.Internal;

/// <summary>
/// What the ML detectors keep for one behaviour: the reference (event rows for window profiles, seeded
/// samples of its texts), the filling window, and the alert episodes. Windows open and close by the same
/// rules as the statistical monitor's (count, event-time span, end of the reference), so both layers score
/// the same windows. Memory is bounded by the reference size plus one window plus the text samples.
/// </summary>
internal sealed class MlBehaviourState
{
    private readonly BehaviourKey _key;
    private readonly string _keyText;
    private readonly DriftMonitorOptions _windows;
    private readonly MlDetectionOptions _options;
    private readonly MlShared _shared;
    private readonly List<string> _metricKeys = [];
    private readonly List<EventRow> _referenceRows = [];
    private readonly List<EventRow> _windowRows = [];
    private readonly Dictionary<string, Reservoir<string>> _referenceTexts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservoir<string>> _windowTexts = new(StringComparer.Ordinal);
    private readonly Reservoir<string>? _referenceEmbeddingTexts;
    private readonly Reservoir<string>? _windowEmbeddingTexts;
    private readonly Dictionary<(string Feature, string Family), Episode> _episodes = [];
    private IReadOnlyList<float[]>? _referenceEmbeddings;
    private PcaWindowModel? _pca;
    private WindowProfile? _profile;
    private long _windowEvents;
    private long _referenceEvents;
    private long _armedWindows;
    private bool _armed;
    private DateTimeOffset _windowStart;
    private DateTimeOffset _windowEnd;

    public MlBehaviourState(BehaviourKey key, DriftMonitorOptions windows, MlDetectionOptions options, MlShared shared)
    {
        _key = key;
        _keyText = key.ToString();
        _windows = windows;
        _options = options;
        _shared = shared;
        if (options.DomainClassifier.Enabled)
        {
            int stream = 1;
            foreach (string feature in options.DomainClassifier.Features)
            {
                _referenceTexts[feature] = new Reservoir<string>(options.DomainClassifier.ReferenceSample, Seed(stream++));
                _windowTexts[feature] = new Reservoir<string>(options.DomainClassifier.WindowSample, Seed(stream++));
            }
        }

        if (shared.Embedder is not null)
        {
            _referenceEmbeddingTexts = new Reservoir<string>(options.Embeddings.SampleSize, Seed(101));
            _windowEmbeddingTexts = new Reservoir<string>(options.Embeddings.SampleSize, Seed(102));
        }
    }

    public bool Armed => _armed;

    /// <summary>Feeds one event; scores and alerts of any window it closes are appended.</summary>
    public void Observe(DecisionEvent decision, List<FeatureScore> scores, List<DriftAlert> alerts, CancellationToken cancellationToken)
    {
        var at = decision.Timestamp;
        if (_windowEvents > 0 && _windows.CurrentWindowDuration is TimeSpan span && at - _windowStart >= span)
        {
            CloseWindow(at, scores, alerts, cancellationToken);
        }

        Add(decision);
        if (_windowEvents >= _windows.CurrentWindowSize || (!_armed && _referenceEvents + _windowEvents >= _windows.ReferenceSize))
        {
            CloseWindow(at, scores, alerts, cancellationToken);
        }
    }

    private void Add(DecisionEvent decision)
    {
        var at = decision.Timestamp;
        if (_windowEvents == 0)
        {
            _windowStart = at;
            _windowEnd = at;
        }
        else if (at > _windowEnd)
        {
            _windowEnd = at;
        }

        _windowEvents++;
        if (!_armed)
        {
            foreach (string key in decision.Metrics.Keys.Order(StringComparer.Ordinal))
            {
                if (_metricKeys.Count < _options.PcaAnomaly.MaxMetrics && !_metricKeys.Contains(key))
                {
                    _metricKeys.Add(key);
                }
            }
        }

        if (_options.PcaAnomaly.Enabled)
        {
            (_armed ? _windowRows : _referenceRows).Add(EventRow.From(decision, _metricKeys));
        }

        foreach (var (feature, reservoir) in _armed ? _windowTexts : _referenceTexts)
        {
            if (TextOf(decision, feature) is { Length: > 0 } text)
            {
                reservoir.Add(text);
            }
        }

        if (decision.OutputText is { Length: > 0 } output)
        {
            (_armed ? _windowEmbeddingTexts : _referenceEmbeddingTexts)?.Add(output);
        }
    }

    private void CloseWindow(DateTimeOffset at, List<FeatureScore> scores, List<DriftAlert> alerts, CancellationToken cancellationToken)
    {
        if (!_armed)
        {
            _referenceEvents += _windowEvents;
            _windowEvents = 0;
            if (_referenceEvents >= _windows.ReferenceSize)
            {
                Arm();
            }

            return;
        }

        _armedWindows++;
        var window = new WindowInfo(at, _windowStart, _windowEnd, _windowEvents);
        if (_options.DomainClassifier.Enabled && (_armedWindows - 1) % _options.DomainClassifier.EveryNthWindow == 0)
        {
            RunDomainClassifier(window, scores, alerts);
        }

        if (_pca is not null && _profile is not null && _windowRows.Count >= _options.PcaAnomaly.MinWindowEvents)
        {
            RunPca(window, scores, alerts);
        }

        if (_shared.Embedder is not null && _windowEmbeddingTexts!.Items.Count >= _options.Embeddings.MinWindowTexts)
        {
            RunEmbeddings(window, scores, alerts, cancellationToken);
        }

        _windowEvents = 0;
        _windowRows.Clear();
        foreach (var reservoir in _windowTexts.Values)
        {
            reservoir.Clear();
        }

        _windowEmbeddingTexts?.Clear();
    }

    private void Arm()
    {
        _armed = true;
        int windowSize = _windows.CurrentWindowSize;
        if (_options.PcaAnomaly.Enabled && _referenceRows.Count >= windowSize + 2)
        {
            _profile = WindowProfile.Fit(_referenceRows, _metricKeys, _options.PcaAnomaly.MaxOutcomes);
            int stride = Math.Max(1, windowSize / _options.PcaAnomaly.StepsPerWindow);
            var vectors = new List<double[]>();
            for (int start = 0; start + windowSize <= _referenceRows.Count; start += stride)
            {
                vectors.Add(_profile.Vector(_referenceRows, start, windowSize));
            }

            if (vectors.Count >= 4)
            {
                _pca = PcaWindowModel.Fit(_profile, vectors, windowSize, _options.PcaAnomaly, Seed(201));
            }
        }

        // The model and the sample have what they need; the raw reference rows are not kept.
        _referenceRows.Clear();
        _referenceRows.TrimExcess();
    }

    private void RunDomainClassifier(in WindowInfo window, List<FeatureScore> scores, List<DriftAlert> alerts)
    {
        var classifier = new DomainClassifier(_options.DomainClassifier);
        int stream = 300;
        foreach (var (feature, reference) in _referenceTexts)
        {
            stream++;
            var current = _windowTexts[feature].Items;
            if (reference.Items.Count < _options.DomainClassifier.MinWindowTexts || current.Count < _options.DomainClassifier.MinWindowTexts)
            {
                continue;
            }

            var result = classifier.Test(reference.Items, current, WindowSeed(stream), _shared.Z);
            bool fired = result.Auc > result.Threshold;
            scores.Add(Score(window, feature, MlDetectorNames.DomainClassifier, result.Auc, result.Threshold, reference.Seen, current.Count));
            if (Episode(feature, MlDetectorNames.DomainClassifier).Update(fired, _options.RearmAfterQuietWindows))
            {
                var severity = result.Auc >= 0.9 ? AlertSeverity.Critical : AlertSeverity.Warning;
                string summary = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{feature} drifted for {_keyText} ({MlDetectorNames.DomainClassifier} AUC {result.Auc:0.###} > {result.Threshold:0.###}): a classifier tells this window's texts from the reference's");
                alerts.Add(Alert(window, feature, MlDetectorNames.DomainClassifier, result.Auc, result.Threshold, severity, summary, []));
            }
        }
    }

    private void RunPca(in WindowInfo window, List<FeatureScore> scores, List<DriftAlert> alerts)
    {
        var vector = _profile!.Vector(_windowRows, 0, _windowRows.Count);
        var result = _pca!.Score(vector, 3);
        bool fired = result.Score > result.Threshold;
        const string feature = MlDetectorNames.WindowProfileFeature;
        scores.Add(Score(window, feature, MlDetectorNames.PcaAnomaly, result.Score, result.Threshold, _referenceEvents, _windowRows.Count));
        if (Episode(feature, MlDetectorNames.PcaAnomaly).Update(fired, _options.RearmAfterQuietWindows))
        {
            var severity = result.Score >= 3 * result.Threshold ? AlertSeverity.Critical : AlertSeverity.Warning;
            string moved = string.Join(", ", result.TopShifts.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value} {s.Reference:0.###} -> {s.Current:0.###}")));
            string summary = string.Create(
                CultureInfo.InvariantCulture,
                $"{feature} drifted for {_keyText} ({MlDetectorNames.PcaAnomaly} {result.Score:0.###} > {result.Threshold:0.###}): {moved}");
            alerts.Add(Alert(window, feature, MlDetectorNames.PcaAnomaly, result.Score, result.Threshold, severity, summary, result.TopShifts));
        }
    }

    private void RunEmbeddings(in WindowInfo window, List<FeatureScore> scores, List<DriftAlert> alerts, CancellationToken cancellationToken)
    {
        var embedder = _shared.Embedder!;
        if (_referenceEmbeddings is null)
        {
            if (_referenceEmbeddingTexts!.Items.Count < _options.Embeddings.MinWindowTexts)
            {
                return;
            }

            _referenceEmbeddings = embedder.Embed(_referenceEmbeddingTexts.Items, cancellationToken);
        }

        var current = embedder.Embed(_windowEmbeddingTexts!.Items, cancellationToken);
        var result = EmbeddingDriftTest.Run(_referenceEmbeddings, current, _shared.Alpha, _options.Embeddings.Permutations, WindowSeed(400));
        const string feature = FeatureNames.OutputText;
        long reference = _referenceEmbeddings.Count;
        scores.Add(Score(window, feature, MlDetectorNames.EmbeddingMmd, result.Mmd, result.MmdThreshold, reference, current.Length));
        scores.Add(Score(window, feature, MlDetectorNames.EmbeddingCentroid, result.CentroidDistance, result.CentroidThreshold, reference, current.Length));
        bool mmdFired = result.Mmd > result.MmdThreshold;
        bool centroidFired = result.CentroidDistance > result.CentroidThreshold;
        if (Episode(feature, "embedding").Update(mmdFired || centroidFired, _options.RearmAfterQuietWindows))
        {
            var (detector, score, threshold) = mmdFired
                ? (MlDetectorNames.EmbeddingMmd, result.Mmd, result.MmdThreshold)
                : (MlDetectorNames.EmbeddingCentroid, result.CentroidDistance, result.CentroidThreshold);
            var severity = score >= 3 * threshold ? AlertSeverity.Critical : AlertSeverity.Warning;
            string summary = string.Create(
                CultureInfo.InvariantCulture,
                $"{feature} drifted for {_keyText} ({detector} {score:0.####} > {threshold:0.####}, centroid cosine distance {result.CentroidDistance:0.####}): replies mean something else than in the reference");
            alerts.Add(Alert(window, feature, detector, score, threshold, severity, summary, []));
        }
    }

    private FeatureScore Score(in WindowInfo window, string feature, string detector, double score, double threshold, long reference, long current) =>
        new(_key, feature, detector, score, threshold, window.At, window.Start, window.End, reference, current);

    private DriftAlert Alert(in WindowInfo window, string feature, string detector, double score, double threshold, AlertSeverity severity, string summary, IReadOnlyList<ValueShift> shifts) =>
        new(_key, feature, detector, score, threshold, severity, window.At, window.Start, window.End, summary, shifts);

    private Episode Episode(string feature, string family)
    {
        if (!_episodes.TryGetValue((feature, family), out var episode))
        {
            episode = new Episode();
            _episodes.Add((feature, family), episode);
        }

        return episode;
    }

    private int Seed(int stream) => StableHash.Seed(_options.Seed, _keyText, stream);

    private int WindowSeed(int stream) => StableHash.Seed(_options.Seed, _keyText, (int)((_armedWindows * 1000) + stream));

    private static string? TextOf(DecisionEvent decision, string feature) =>
        feature == FeatureNames.OutputText ? decision.OutputText : decision.InputText;

    private readonly record struct WindowInfo(DateTimeOffset At, DateTimeOffset Start, DateTimeOffset End, long Events);
}
