using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Core.Results;

namespace DriftWatch.Core.Detection;

/// <summary>
/// Everything the monitor keeps for one behaviour (agent, environment, decision name): one tracker per
/// feature, created the first time the feature is seen (in event order, so deterministically), and the
/// window that is filling. Receives each event's features through <see cref="IFeatureVisitor"/>.
/// </summary>
internal sealed class BehaviourState : IFeatureVisitor
{
    private readonly DetectionContext _context;
    private readonly DriftMonitorOptions _options;
    private readonly CategoryIndex _outcomeIndex;
    private readonly CountTracker _outcome;
    private readonly Dictionary<string, InputFeatureState> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CountTracker> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NumericTracker> _metrics = new(StringComparer.Ordinal);
    private readonly List<FeatureTracker> _trackers = [];
    private readonly List<NumericTracker> _numerics = [];
    private NumericTracker? _confidence;
    private NumericTracker? _sentiment;
    private CountTracker? _toolName;
    private CountTracker? _toolStatus;
    private CountTracker? _inputText;
    private CountTracker? _outputText;
    private double[] _windowOutcomes = new double[4];
    private long _windowEvents;
    private DateTimeOffset _windowStart;
    private DateTimeOffset _windowEnd;
    private long _referenceEvents;
    private DetectionContext.Budget? _budget;
    private DateTimeOffset _at;
    private int _outcomeSlot;

    public BehaviourState(BehaviourKey key, DetectionContext context)
    {
        Key = key;
        _context = context;
        _options = context.Options;
        _outcomeIndex = new CategoryIndex(_options.MaxCategories);
        _outcome = CountTracker.Categorical(FeatureNames.Outcome, FeatureKind.Categorical, _outcomeIndex);
        _trackers.Add(_outcome);
    }

    public BehaviourKey Key { get; }

    public bool Armed => _budget is not null;

    public long WindowEvents => _windowEvents;

    public IReadOnlyList<FeatureTracker> Trackers => _trackers;

    /// <summary>True when the event's time says the filling window has run its course.</summary>
    public bool WindowExpiredBy(DateTimeOffset timestamp) =>
        _windowEvents > 0 && _options.CurrentWindowDuration is TimeSpan span && timestamp - _windowStart >= span;

    /// <summary>True when the window is full by count (or the reference is complete).</summary>
    public bool WindowFull =>
        _windowEvents >= _options.CurrentWindowSize
        || (!Armed && _referenceEvents + _windowEvents >= _options.ReferenceSize);

    public void Add(DecisionEvent decision)
    {
        _at = decision.Timestamp;
        if (_windowEvents == 0)
        {
            _windowStart = _at;
            _windowEnd = _at;
        }
        else if (_at > _windowEnd)
        {
            _windowEnd = _at;
        }

        _windowEvents++;
        DecisionFeaturizer.Visit(decision, this);
    }

    /// <summary>Closes the filling window: absorbs it into the reference, or tests it once armed.</summary>
    public WindowSummary CloseWindow(DateTimeOffset at, List<FeatureScore> scores, List<RankedAlert> alerts)
    {
        var summary = BuildSummary();
        if (_budget is null)
        {
            foreach (var tracker in _trackers)
            {
                tracker.AbsorbReferenceBlock(_context);
            }

            _referenceEvents += _windowEvents;
            if (_referenceEvents >= _options.ReferenceSize)
            {
                Arm();
            }
        }
        else
        {
            foreach (var tracker in _trackers)
            {
                tracker.Evaluate(_context, _budget, Key, at, _windowEnd, scores, alerts);
            }
        }

        _windowEvents = 0;
        Array.Clear(_windowOutcomes);
        foreach (var numeric in _numerics)
        {
            numeric.SummarySum = 0;
            numeric.SummaryCount = 0;
        }

        return summary;
    }

    /// <summary>Arms detection with the reference as it stands; thresholds are budgeted over the testable features.</summary>
    public void Arm()
    {
        foreach (var tracker in _trackers)
        {
            tracker.FinishReference(_context);
        }

        int testable = _trackers.Count(t => t.ReferenceEvents >= _options.MinReferenceObservations);
        _budget = _context.BudgetFor(testable);
    }

    public void Outcome(string outcome)
    {
        _outcomeSlot = _outcomeIndex.IndexOf(outcome);
        _outcome.Add(_outcomeSlot, _at);
        if (_outcomeSlot >= _windowOutcomes.Length)
        {
            Array.Resize(ref _windowOutcomes, Math.Max(_outcomeSlot + 1, _windowOutcomes.Length * 2));
        }

        _windowOutcomes[_outcomeSlot] += 1;
    }

    public void Categorical(CategoricalSource source, string? key, string value)
    {
        switch (source)
        {
            case CategoricalSource.InputFeature:
                InputFeature(key!)?.Add(value, _outcomeSlot, _at);
                break;
            case CategoricalSource.Label:
                if (Family(_labels, key!, FeatureNames.Label) is { } label)
                {
                    label.Add(label.Index!.IndexOf(value), _at);
                }

                break;
            case CategoricalSource.ToolName:
                _toolName ??= NewCategorical(FeatureNames.ToolCallName);
                _toolName.Add(_toolName.Index!.IndexOf(value), _at);
                break;
            default:
                _toolStatus ??= NewCategorical(FeatureNames.ToolCallStatus);
                _toolStatus.Add(_toolStatus.Index!.IndexOf(value), _at);
                break;
        }
    }

    public void Numeric(NumericSource source, string? key, double value)
    {
        var tracker = source switch
        {
            NumericSource.Confidence => _confidence ??= NewNumeric(FeatureNames.Confidence),
            NumericSource.Sentiment => _sentiment ??= NewNumeric(FeatureNames.Sentiment),
            _ => Metric(key!),
        };
        tracker?.Add(value, _at);
    }

    public void Text(TextSource source, string text)
    {
        var tracker = source == TextSource.Input
            ? _inputText ??= NewText(FeatureNames.InputText)
            : _outputText ??= NewText(FeatureNames.OutputText);
        tracker.AddText(text, _at);
    }

    /// <summary>Finds or creates the tracker for a contract feature name (used when pinning a reference).</summary>
    public FeatureTracker? TrackerFor(string feature)
    {
        const string conditionalPrefix = FeatureNames.Outcome + "|input.features.";
        switch (feature)
        {
            case FeatureNames.Outcome: return _outcome;
            case FeatureNames.Confidence: return _confidence ??= NewNumeric(feature);
            case FeatureNames.Sentiment: return _sentiment ??= NewNumeric(feature);
            case FeatureNames.ToolCallName: return _toolName ??= NewCategorical(feature);
            case FeatureNames.ToolCallStatus: return _toolStatus ??= NewCategorical(feature);
            case FeatureNames.InputText: return _inputText ??= NewText(feature);
            case FeatureNames.OutputText: return _outputText ??= NewText(feature);
        }

        if (feature.StartsWith(conditionalPrefix, StringComparison.Ordinal))
        {
            string rest = feature[conditionalPrefix.Length..];
            int eq = rest.IndexOf('=', StringComparison.Ordinal);
            return eq <= 0 ? null : InputFeature(rest[..eq])?.Segment(rest[(eq + 1)..]);
        }

        if (feature.StartsWith("input.features.", StringComparison.Ordinal))
        {
            return InputFeature(feature["input.features.".Length..])?.Feature;
        }

        if (feature.StartsWith("labels.", StringComparison.Ordinal))
        {
            return Family(_labels, feature["labels.".Length..], FeatureNames.Label);
        }

        return feature.StartsWith("metrics.", StringComparison.Ordinal) ? Metric(feature["metrics.".Length..]) : null;
    }

    private WindowSummary BuildSummary()
    {
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        foreach (double count in _windowOutcomes)
        {
            total += count;
        }

        for (int i = 0; i < _windowOutcomes.Length; i++)
        {
            if (_windowOutcomes[i] > 0)
            {
                shares[_outcomeIndex.LabelOf(i)] = _windowOutcomes[i] / total;
            }
        }

        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var numeric in _numerics)
        {
            if (numeric.SummaryCount > 0)
            {
                means[numeric.Name] = numeric.SummarySum / numeric.SummaryCount;
            }
        }

        return new WindowSummary(Key, _windowStart, _windowEnd, _windowEvents, shares, means);
    }

    private InputFeatureState? InputFeature(string key)
    {
        if (_inputs.TryGetValue(key, out var state))
        {
            return state;
        }

        if (_inputs.Count >= _options.MaxKeysPerFamily)
        {
            return null;
        }

        state = new InputFeatureState(this, key, NewCategorical(FeatureNames.InputFeature(key)));
        _inputs.Add(key, state);
        return state;
    }

    private NumericTracker? Metric(string key)
    {
        if (_metrics.TryGetValue(key, out var tracker))
        {
            return tracker;
        }

        if (_metrics.Count >= _options.MaxKeysPerFamily)
        {
            return null;
        }

        tracker = NewNumeric(FeatureNames.Metric(key));
        _metrics.Add(key, tracker);
        return tracker;
    }

    private CountTracker? Family(Dictionary<string, CountTracker> family, string key, Func<string, string> name)
    {
        if (family.TryGetValue(key, out var tracker))
        {
            return tracker;
        }

        if (family.Count >= _options.MaxKeysPerFamily)
        {
            return null;
        }

        tracker = NewCategorical(name(key));
        family.Add(key, tracker);
        return tracker;
    }

    private CountTracker NewCategorical(string name) =>
        Register(CountTracker.Categorical(name, FeatureKind.Categorical, new CategoryIndex(_options.MaxCategories)));

    private CountTracker NewConditional(string name) =>
        Register(CountTracker.Categorical(name, FeatureKind.Conditional, _outcomeIndex));

    private CountTracker NewText(string name) => Register(CountTracker.Text(name, _options.TextSketchBuckets));

    private NumericTracker NewNumeric(string name)
    {
        var tracker = Register(new NumericTracker(name, _options.CurrentWindowSize, _options.NumericReferencePoints));
        _numerics.Add(tracker);
        return tracker;
    }

    private T Register<T>(T tracker)
        where T : FeatureTracker
    {
        _trackers.Add(tracker);
        return tracker;
    }

    /// <summary>One input feature key: its own distribution and the outcome distribution per value.</summary>
    private sealed class InputFeatureState(BehaviourState owner, string key, CountTracker feature)
    {
        private CountTracker?[] _segments = [];

        public CountTracker Feature { get; } = feature;

        public void Add(string value, int outcomeSlot, DateTimeOffset at)
        {
            int slot = Feature.Index!.IndexOf(value);
            Feature.Add(slot, at);
            SegmentAt(slot, value)?.Add(outcomeSlot, at);
        }

        public CountTracker? Segment(string value) => SegmentAt(Feature.Index!.IndexOf(value), value);

        private CountTracker? SegmentAt(int slot, string value)
        {
            if (slot >= owner._options.MaxSegmentsPerInputFeature || slot == Feature.Index!.OtherIndex)
            {
                return null;
            }

            if (slot >= _segments.Length)
            {
                Array.Resize(ref _segments, Math.Min(owner._options.MaxSegmentsPerInputFeature, Math.Max(slot + 1, _segments.Length * 2)));
            }

            return _segments[slot] ??= owner.NewConditional(FeatureNames.ConditionalOutcome(key, value));
        }
    }
}
