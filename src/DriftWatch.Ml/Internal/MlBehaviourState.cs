using System.Globalization;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Detection.Detectors;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Ml.Embeddings;
using DriftWatch.Ml.Text;
using DriftWatch.Ml.Windows;

namespace DriftWatch.Ml.Internal;

/// <summary>
/// What the ML detectors keep for one behaviour: the reference (event rows for window profiles, seeded
/// samples of its texts), the filling window, and the alert episodes. It lives in the monitor's behaviour
/// state and sees the windows the monitor closes, so both score the same windows, and it is checkpointed with
/// them. Memory is bounded by the reference size plus one window plus the text samples.
/// </summary>
internal sealed class MlBehaviourState : IBehaviourDetectorState
{
    // Version of this detector's checkpoint section; another version makes the agent re-learn.
    private const byte StateVersion = 1;

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
    private long _referenceEvents;
    private long _armedWindows;
    private bool _armed;

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

    /// <summary>Whether the PCA model was fitted (for tests of a restored state).</summary>
    internal bool HasPcaModel => _pca is not null;

    /// <inheritdoc />
    public void OnEvent(DecisionEvent decision, DetectorOutput output)
    {
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

        if (decision.OutputText is { Length: > 0 } outputText)
        {
            (_armed ? _windowEmbeddingTexts : _referenceEmbeddingTexts)?.Add(outputText);
        }
    }

    /// <inheritdoc />
    public void OnWindowClosed(in ClosedWindow closed, DetectorOutput output)
    {
        if (!_armed)
        {
            // The ML reference is the behaviour's first ReferenceSize events, also when the statistical one
            // was pinned from a snapshot.
            _referenceEvents += closed.Events;
            if (_referenceEvents >= _windows.ReferenceSize)
            {
                Arm();
            }

            return;
        }

        _armedWindows++;
        var window = new WindowInfo(closed.At, closed.Start, closed.End, closed.Events);
        if (_options.DomainClassifier.Enabled && (_armedWindows - 1) % _options.DomainClassifier.EveryNthWindow == 0)
        {
            RunDomainClassifier(window, output);
        }

        if (_pca is not null && _profile is not null && _windowRows.Count >= _options.PcaAnomaly.MinWindowEvents)
        {
            RunPca(window, output);
        }

        if (_shared.Embedder is not null && _windowEmbeddingTexts!.Items.Count >= _options.Embeddings.MinWindowTexts)
        {
            RunEmbeddings(window, output, CancellationToken.None);
        }

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

    private void RunDomainClassifier(in WindowInfo window, DetectorOutput output)
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
            output.Add(Score(window, feature, MlDetectorNames.DomainClassifier, result.Auc, result.Threshold, reference.Seen, current.Count));
            if (Episode(feature, MlDetectorNames.DomainClassifier).Update(fired, _options.RearmAfterQuietWindows))
            {
                var severity = result.Auc >= 0.9 ? AlertSeverity.Critical : AlertSeverity.Warning;
                string summary = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{feature} drifted for {_keyText} ({MlDetectorNames.DomainClassifier} AUC {result.Auc:0.###} > {result.Threshold:0.###}): a classifier tells this window's texts from the reference's");
                output.Add(Alert(window, feature, MlDetectorNames.DomainClassifier, result.Auc, result.Threshold, severity, summary, []));
            }
        }
    }

    private void RunPca(in WindowInfo window, DetectorOutput output)
    {
        var vector = _profile!.Vector(_windowRows, 0, _windowRows.Count);
        var result = _pca!.Score(vector, 3);
        bool fired = result.Score > result.Threshold;
        const string feature = MlDetectorNames.WindowProfileFeature;
        output.Add(Score(window, feature, MlDetectorNames.PcaAnomaly, result.Score, result.Threshold, _referenceEvents, _windowRows.Count));
        if (Episode(feature, MlDetectorNames.PcaAnomaly).Update(fired, _options.RearmAfterQuietWindows))
        {
            var severity = result.Score >= 3 * result.Threshold ? AlertSeverity.Critical : AlertSeverity.Warning;
            string moved = string.Join(", ", result.TopShifts.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value} {s.Reference:0.###} -> {s.Current:0.###}")));
            string summary = string.Create(
                CultureInfo.InvariantCulture,
                $"{feature} drifted for {_keyText} ({MlDetectorNames.PcaAnomaly} {result.Score:0.###} > {result.Threshold:0.###}): {moved}");
            output.Add(Alert(window, feature, MlDetectorNames.PcaAnomaly, result.Score, result.Threshold, severity, summary, result.TopShifts));
        }
    }

    private void RunEmbeddings(in WindowInfo window, DetectorOutput output, CancellationToken cancellationToken)
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
        output.Add(Score(window, feature, MlDetectorNames.EmbeddingMmd, result.Mmd, result.MmdThreshold, reference, current.Length));
        output.Add(Score(window, feature, MlDetectorNames.EmbeddingCentroid, result.CentroidDistance, result.CentroidThreshold, reference, current.Length));
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
            output.Add(Alert(window, feature, detector, score, threshold, severity, summary, []));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The reference embeddings are not written: they are a pure function of the reference text sample,
    /// which is, so a restored state embeds them again when it first needs them (a 384-float vector per
    /// text would multiply the record's size).
    /// </remarks>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(StateVersion);
        WriteBody(writer);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        byte version = reader.ReadByte();
        if (version != StateVersion)
        {
            throw new InvalidDataException($"ML detector state version {version} is not supported (this build reads version {StateVersion}).");
        }

        ReadBody(reader);
    }

    private void WriteBody(BinaryWriter writer)
    {
        writer.Write(_armed);
        writer.Write(_referenceEvents);
        writer.Write(_armedWindows);
        writer.WriteStrings(_metricKeys);
        WriteRows(writer, _referenceRows);
        WriteRows(writer, _windowRows);
        foreach (var reservoir in _referenceTexts.Values.Concat(_windowTexts.Values))
        {
            reservoir.WriteTo(writer, static (w, text) => w.Write(text));
        }

        _referenceEmbeddingTexts?.WriteTo(writer, static (w, text) => w.Write(text));
        _windowEmbeddingTexts?.WriteTo(writer, static (w, text) => w.Write(text));
        writer.Write7BitEncodedInt(_episodes.Count);
        foreach (var ((feature, family), episode) in _episodes)
        {
            writer.Write(feature);
            writer.Write(family);
            episode.WriteTo(writer);
        }

        writer.Write(_profile is not null);
        _profile?.WriteTo(writer);
        writer.Write(_pca is not null);
        _pca?.WriteTo(writer);
    }

    private void ReadBody(BinaryReader reader)
    {
        _armed = reader.ReadBoolean();
        _referenceEvents = reader.ReadInt64();
        _armedWindows = reader.ReadInt64();
        _metricKeys.Clear();
        foreach (string? key in reader.ReadStrings())
        {
            _metricKeys.Add(key ?? throw new InvalidDataException("Metric key missing."));
        }

        ReadRows(reader, _referenceRows);
        ReadRows(reader, _windowRows);
        foreach (var reservoir in _referenceTexts.Values.Concat(_windowTexts.Values))
        {
            reservoir.ReadFrom(reader, static r => r.ReadString());
        }

        _referenceEmbeddingTexts?.ReadFrom(reader, static r => r.ReadString());
        _windowEmbeddingTexts?.ReadFrom(reader, static r => r.ReadString());
        _episodes.Clear();
        int episodes = reader.ReadLength();
        for (int i = 0; i < episodes; i++)
        {
            string feature = reader.ReadString();
            string family = reader.ReadString();
            _episodes.Add((feature, family), Internal.Episode.ReadFrom(reader));
        }

        _profile = reader.ReadBoolean() ? WindowProfile.ReadFrom(reader) : null;
        _pca = reader.ReadBoolean()
            ? PcaWindowModel.ReadFrom(reader, _profile ?? throw new InvalidDataException("PCA model without its window profile."))
            : null;
        _referenceEmbeddings = null;
    }

    // Outcomes repeat: each row names its outcome by an index into a table written first.
    private static void WriteRows(BinaryWriter writer, List<EventRow> rows)
    {
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var table = new List<string>();
        foreach (var row in rows)
        {
            if (outcomes.TryAdd(row.Outcome, table.Count))
            {
                table.Add(row.Outcome);
            }
        }

        writer.WriteStrings(table);
        writer.Write7BitEncodedInt(rows.Count);
        foreach (var row in rows)
        {
            writer.Write7BitEncodedInt(outcomes[row.Outcome]);
            writer.Write(row.Confidence);
            writer.Write(row.Sentiment);
            writer.WriteDoubles(row.Metrics);
            writer.Write7BitEncodedInt(row.ToolCalls);
            writer.Write7BitEncodedInt(row.ToolErrors);
        }
    }

    private static void ReadRows(BinaryReader reader, List<EventRow> rows)
    {
        string?[] table = reader.ReadStrings();
        int count = reader.ReadLength();
        rows.Clear();
        for (int i = 0; i < count; i++)
        {
            int outcome = reader.ReadLength();
            if (outcome >= table.Length || table[outcome] is not { } name)
            {
                throw new InvalidDataException($"Event row names outcome {outcome} of {table.Length}.");
            }

            rows.Add(new EventRow(name, reader.ReadDouble(), reader.ReadDouble(), reader.ReadDoubles(), reader.ReadLength(), reader.ReadLength()));
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
