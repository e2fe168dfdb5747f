using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// The mutable state behind <see cref="SnapshotBuilder"/> and <see cref="BehaviourSnapshot.Merge"/>: both
/// go through the same folding rules, which is what makes merge(snapshot(A), snapshot(B)) equal
/// snapshot(A + B) for the counts.
/// </summary>
internal sealed partial class SnapshotAccumulator
{
    private readonly SnapshotScope _scope;
    private readonly SnapshotOptions _options;
    private readonly CountTable _agentVersions;
    private readonly CountTable _stateVersions;
    private readonly Dictionary<string, CountTable> _categorical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, CountTable>> _segments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KllSketch> _numeric = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TextAccumulator> _text = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _keysPerFamily = new(StringComparer.Ordinal);

    // Feature names like "metrics.latency_ms" are built once per key instead of once per event.
    private readonly Dictionary<string, string> _inputFeatureNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _labelNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metricNames = new(StringComparer.Ordinal);
    private readonly SnapshotExemplars _exemplars;
    private DateTimeOffset? _from;
    private DateTimeOffset? _to;

    public SnapshotAccumulator(SnapshotScope scope, SnapshotOptions options)
    {
        _scope = scope;
        _options = options;
        _agentVersions = new CountTable(options.MaxVersions);
        _stateVersions = new CountTable(options.MaxVersions);
        _exemplars = new SnapshotExemplars(options.ExemplarsPerSegment);
    }

    public long EventCount { get; private set; }

    public void Add(DecisionEvent e)
    {
        EventCount++;
        ExtendRange(e.Timestamp.ToUniversalTime(), e.Timestamp.ToUniversalTime());
        if (e.AgentVersion is { } agentVersion)
        {
            _agentVersions.Add(agentVersion);
        }

        if (e.StateVersion is { } stateVersion)
        {
            _stateVersions.Add(stateVersion);
        }

        Categorical(FeatureNames.Outcome, family: null)?.Add(e.Outcome);
        _exemplars.Add(e);
        foreach (var (key, value) in e.InputFeatures)
        {
            if (Categorical(Name(_inputFeatureNames, FeaturePrefixes.InputFeature, key), FeaturePrefixes.InputFeature) is { } table)
            {
                table.Add(value);
                Segment(key, value).Add(e.Outcome);
            }
        }

        foreach (var (key, value) in e.Labels)
        {
            Categorical(Name(_labelNames, FeaturePrefixes.Label, key), FeaturePrefixes.Label)?.Add(value);
        }

        foreach (var call in e.ToolCalls)
        {
            Categorical(FeatureNames.ToolCallName, family: null)?.Add(call.Name);
            Categorical(FeatureNames.ToolCallStatus, family: null)?.Add(call.Status ?? FeatureNames.MissingToolStatus);
        }

        if (e.Confidence is { } confidence)
        {
            Numeric(FeatureNames.Confidence, family: null)?.Add(confidence);
        }

        if (e.Sentiment is { } sentiment)
        {
            Numeric(FeatureNames.Sentiment, family: null)?.Add(sentiment);
        }

        foreach (var (key, value) in e.Metrics)
        {
            Numeric(Name(_metricNames, FeaturePrefixes.Metric, key), FeaturePrefixes.Metric)?.Add(value);
        }

        if (e.InputText is { } inputText)
        {
            Text(FeatureNames.InputText).Add(inputText);
        }

        if (e.OutputText is { } outputText)
        {
            Text(FeatureNames.OutputText).Add(outputText);
        }
    }

    public void AddAll(BehaviourSnapshot s)
    {
        EventCount += s.EventCount;
        if (s.From is { } from && s.To is { } to)
        {
            ExtendRange(from, to);
        }

        _agentVersions.AddAll(s.AgentVersions);
        _stateVersions.AddAll(s.StateVersions);
        _exemplars.AddAll(s.Exemplars);

        // Merges bypass the per-family key cap; ToSnapshot trims the union back to it by event count.
        foreach (var (feature, counts) in s.Categorical)
        {
            GetOrAdd(_categorical, feature, () => new CountTable(_options.MaxCategoriesPerFeature)).AddAll(counts);
        }

        foreach (var (segment, counts) in s.OutcomeBySegment)
        {
            Segment(segment.InputFeature, segment.Value).AddAll(counts);
        }

        foreach (var (feature, summary) in s.Numeric)
        {
            GetOrAdd(_numeric, feature, () => new KllSketch(_options.SketchK)).MergeFrom(summary.Sketch);
        }

        foreach (var (feature, profile) in s.Text)
        {
            Text(feature).AddAll(profile);
        }
    }

    public BehaviourSnapshot ToSnapshot()
    {
        var categorical = new SortedDictionary<string, CategoryCounts>(StringComparer.Ordinal);
        foreach (var feature in KeepTopKeys(_categorical.ToDictionary(kv => kv.Key, kv => kv.Value.Total, StringComparer.Ordinal)))
        {
            categorical[feature] = _categorical[feature].ToCounts();
        }

        var segments = new SortedDictionary<SegmentKey, CategoryCounts>();
        foreach (var (inputFeature, byValue) in _segments)
        {
            if (!categorical.ContainsKey(FeaturePrefixes.InputFeature + inputFeature))
            {
                continue;
            }

            FoldSegments(byValue, _options.MaxSegmentsPerFeature);
            foreach (var (value, table) in byValue)
            {
                segments[new SegmentKey(inputFeature, value)] = table.ToCounts();
            }
        }

        var numeric = new SortedDictionary<string, QuantileSummary>(StringComparer.Ordinal);
        foreach (var feature in KeepTopKeys(_numeric.ToDictionary(kv => kv.Key, kv => kv.Value.Count, StringComparer.Ordinal)))
        {
            numeric[feature] = new QuantileSummary(_numeric[feature].Clone());
        }

        var text = new SortedDictionary<string, TextProfile>(StringComparer.Ordinal);
        foreach (var (feature, accumulator) in _text)
        {
            text[feature] = accumulator.ToProfile();
        }

        return new BehaviourSnapshot(
            _scope,
            _options,
            _from,
            _to,
            EventCount,
            _agentVersions.ToCounts(),
            _stateVersions.ToCounts(),
            categorical,
            segments,
            numeric,
            text,
            _exemplars.ToMap(segments.ToDictionary(static kv => $"{kv.Key.InputFeature}={kv.Key.Value}", static kv => kv.Value.Total, StringComparer.Ordinal)));
    }

    private void ExtendRange(DateTimeOffset from, DateTimeOffset to)
    {
        _from = _from is null || from < _from ? from : _from;
        _to = _to is null || to > _to ? to : _to;
    }

    private CountTable? Categorical(string feature, string? family)
    {
        if (_categorical.TryGetValue(feature, out var table))
        {
            return table;
        }

        if (!AdmitKey(family))
        {
            return null;
        }

        table = new CountTable(_options.MaxCategoriesPerFeature);
        _categorical[feature] = table;
        return table;
    }

    private KllSketch? Numeric(string feature, string? family)
    {
        if (_numeric.TryGetValue(feature, out var sketch))
        {
            return sketch;
        }

        if (!AdmitKey(family))
        {
            return null;
        }

        sketch = new KllSketch(_options.SketchK);
        _numeric[feature] = sketch;
        return sketch;
    }

    private bool AdmitKey(string? family)
    {
        // Keys of an open-ended family (input.features.*, labels.*, metrics.*) are admitted until the cap;
        // later new keys are ignored so a misbehaving agent cannot grow a snapshot without bound.
        if (family is null)
        {
            return true;
        }

        _keysPerFamily.TryGetValue(family, out var n);
        if (n >= _options.MaxKeysPerFamily)
        {
            return false;
        }

        _keysPerFamily[family] = n + 1;
        return true;
    }

    private CountTable Segment(string inputFeature, string value)
    {
        if (!_segments.TryGetValue(inputFeature, out var byValue))
        {
            byValue = new Dictionary<string, CountTable>(StringComparer.Ordinal);
            _segments[inputFeature] = byValue;
        }

        if (!byValue.TryGetValue(value, out var table))
        {
            if (byValue.Count >= 8 * _options.MaxSegmentsPerFeature)
            {
                FoldSegments(byValue, _options.MaxSegmentsPerFeature);
                if (byValue.TryGetValue(value, out table))
                {
                    return table;
                }
            }

            table = new CountTable(_options.MaxCategoriesPerFeature);
            byValue[value] = table;
        }

        return table;
    }

    private void FoldSegments(Dictionary<string, CountTable> byValue, int cap)
    {
        if (byValue.Count <= cap)
        {
            return;
        }

        // Same rule as categories: the most frequent segments stay, the rest become the "(other)" segment.
        var ranked = byValue.Where(static kv => kv.Key != CategoryCounts.OtherKey)
            .OrderByDescending(static kv => kv.Value.Total)
            .ThenBy(static kv => kv.Key, StringComparer.Ordinal)
            .ToList();
        if (!byValue.TryGetValue(CategoryCounts.OtherKey, out var other))
        {
            other = new CountTable(_options.MaxCategoriesPerFeature);
        }

        for (var i = cap - 1; i < ranked.Count; i++)
        {
            other.AddAll(ranked[i].Value.ToCounts());
            byValue.Remove(ranked[i].Key);
        }

        byValue[CategoryCounts.OtherKey] = other;
    }

    private IEnumerable<string> KeepTopKeys(Dictionary<string, long> weights)
    {
        // Fixed features always stay; each open-ended family keeps its most used keys up to the cap.
        var kept = new List<string>();
        foreach (var family in weights.Keys.GroupBy(FamilyOf, StringComparer.Ordinal))
        {
            var keys = family.OrderByDescending(k => weights[k]).ThenBy(k => k, StringComparer.Ordinal);
            kept.AddRange(family.Key.Length == 0 ? keys : keys.Take(_options.MaxKeysPerFamily));
        }

        return kept;
    }

    private static string FamilyOf(string feature)
    {
        foreach (var prefix in (ReadOnlySpan<string>)[FeaturePrefixes.InputFeature, FeaturePrefixes.Label, FeaturePrefixes.Metric])
        {
            if (feature.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix;
            }
        }

        return string.Empty;
    }

    private TextAccumulator Text(string feature)
    {
        if (!_text.TryGetValue(feature, out var text))
        {
            text = new TextAccumulator(_options.TextBuckets, _options.TopTerms);
            _text[feature] = text;
        }

        return text;
    }

    private static string Name(Dictionary<string, string> cache, string prefix, string key)
    {
        if (!cache.TryGetValue(key, out var name))
        {
            name = prefix + key;
            cache[key] = name;
        }

        return name;
    }

    private static TValue GetOrAdd<TValue>(Dictionary<string, TValue> map, string key, Func<TValue> create)
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = create();
            map[key] = value;
        }

        return value;
    }
}
