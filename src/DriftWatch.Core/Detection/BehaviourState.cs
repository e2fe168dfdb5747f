using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Detection.Detectors;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Core.Results;

namespace DriftWatch.Core.Detection;

/// <summary>
/// Everything the monitor keeps for one behaviour (agent, environment, decision name): one tracker per
/// feature, created the first time the feature is seen (in event order, so deterministically), and the
/// window that is filling, and the state of every sibling detector registered on the monitor (the ML
/// detectors), which sees the same events and windows. Receives each event's features through
/// <see cref="IFeatureVisitor"/>.
/// </summary>
internal sealed class BehaviourState : IFeatureVisitor
{
    private readonly DetectionContext _context;
    private readonly DriftMonitorOptions _options;
    private readonly CategoryIndex _outcomeIndex;
    private readonly CountTracker _outcome;
    private readonly KeyedSlots<InputFeatureState> _inputs = new();
    private readonly KeyedSlots<CountTracker> _labels = new();
    private readonly KeyedSlots<NumericTracker> _metrics = new();
    private readonly List<FeatureTracker> _trackers = [];
    private readonly List<NumericTracker> _numerics = [];
    private readonly IBehaviourDetectorState[] _detectors;
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
        _outcome = CountTracker.Categorical(FeatureId.Outcome, FeatureKind.Categorical, _outcomeIndex);
        _trackers.Add(_outcome);
        _detectors = [.. context.Detectors.Select(d => d.CreateState(key))];
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

    public void Add(DecisionEvent decision, DetectorOutput output)
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
        foreach (var detector in _detectors)
        {
            detector.OnEvent(decision, output);
        }
    }

    /// <summary>True when an interim look is due: armed, and the window holds a multiple of the look interval.</summary>
    public bool LookDue =>
        _budget?.Look is not null
        && _windowEvents % _options.InterimLookEvery == 0
        && _windowEvents < _options.CurrentWindowSize;

    /// <summary>Runs an interim look over every feature's window so far; alerts are appended.</summary>
    public void Look(DateTimeOffset at, List<RankedAlert> alerts)
    {
        if (_budget?.Look is not { } look)
        {
            return;
        }

        foreach (var tracker in _trackers)
        {
            tracker.Look(_context, look, Key, at, _windowEnd, alerts);
        }
    }

    /// <summary>
    /// Closes the filling window: absorbs it into the reference, or tests it once armed; then every sibling
    /// detector sees the window close, its results going to <paramref name="output"/>.
    /// </summary>
    public WindowSummary CloseWindow(DateTimeOffset at, List<FeatureScore> scores, List<RankedAlert> alerts, DetectorOutput output)
    {
        var summary = BuildSummary();
        var closed = new ClosedWindow(Key, at, _windowStart, _windowEnd, _windowEvents, Tested: _budget is not null);
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

        foreach (var detector in _detectors)
        {
            detector.OnWindowClosed(closed, output);
        }

        return summary;
    }

    /// <summary>Tells every sibling detector the window scores of the step.</summary>
    public void OnScores(IReadOnlyList<FeatureScore> scores)
    {
        foreach (var detector in _detectors)
        {
            detector.OnScores(scores);
        }
    }

    /// <summary>Tells every sibling detector the alerts the latest event raised (none when it only closed windows).</summary>
    public void OnAlerts(IReadOnlyList<DriftAlert> alerts, DetectorOutput output)
    {
        foreach (var detector in _detectors)
        {
            detector.OnAlerts(alerts, output);
        }
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
                if (Family(_labels, key!, FeatureId.Label) is { } label)
                {
                    label.Add(label.Index!.IndexOf(value), _at);
                }

                break;
            case CategoricalSource.ToolName:
                _toolName ??= NewCategorical(FeatureId.ToolCallName);
                _toolName.Add(_toolName.Index!.IndexOf(value), _at);
                break;
            default:
                _toolStatus ??= NewCategorical(FeatureId.ToolCallStatus);
                _toolStatus.Add(_toolStatus.Index!.IndexOf(value), _at);
                break;
        }
    }

    public void Numeric(NumericSource source, string? key, double value)
    {
        var tracker = source switch
        {
            NumericSource.Confidence => _confidence ??= NewNumeric(FeatureId.Confidence),
            NumericSource.Sentiment => _sentiment ??= NewNumeric(FeatureId.Sentiment),
            _ => Metric(key!),
        };
        tracker?.Add(value, _at);
    }

    public void Text(TextSource source, string text)
    {
        var tracker = source == TextSource.Input
            ? _inputText ??= NewText(FeatureId.InputText)
            : _outputText ??= NewText(FeatureId.OutputText);
        tracker.AddText(text, _at);
    }

    /// <summary>Finds or creates the tracker for a contract feature name (used when pinning a reference).</summary>
    public FeatureTracker? TrackerFor(string feature) => FeatureId.TryParse(feature, out var id) ? TrackerFor(id) : null;

    /// <summary>Finds or creates the tracker of a feature; null when a family limit leaves no room for it.</summary>
    public FeatureTracker? TrackerFor(FeatureId feature) => feature.Family switch
    {
        FeatureFamily.Outcome => _outcome,
        FeatureFamily.Confidence => _confidence ??= NewNumeric(feature),
        FeatureFamily.Sentiment => _sentiment ??= NewNumeric(feature),
        FeatureFamily.ToolCallName => _toolName ??= NewCategorical(feature),
        FeatureFamily.ToolCallStatus => _toolStatus ??= NewCategorical(feature),
        FeatureFamily.InputText => _inputText ??= NewText(feature),
        FeatureFamily.OutputText => _outputText ??= NewText(feature),
        FeatureFamily.InputFeature => InputFeature(feature.Key!)?.Feature,
        FeatureFamily.ConditionalOutcome => InputFeature(feature.Key!)?.Segment(feature.Segment!),
        FeatureFamily.Label => Family(_labels, feature.Key!, FeatureId.Label),
        FeatureFamily.Metric => Metric(feature.Key!),
        _ => null,
    };

    /// <summary>
    /// Writes the behaviour's whole detection state: window, reference progress, arming, the outcome index,
    /// then every tracker in creation order (so restoring re-creates them in the same order and every
    /// later event lands where it would have).
    /// </summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.WriteStrings(_outcomeIndex.Labels);
        writer.WriteDoubles(_windowOutcomes);
        writer.Write(_windowEvents);
        writer.WriteTime(_windowStart);
        writer.WriteTime(_windowEnd);
        writer.Write(_referenceEvents);
        writer.Write(_budget?.FeatureCount ?? -1);

        // Compressed: while the reference fills, numeric trackers keep their raw values, and those (with the
        // counters) shrink about four times, which keeps a filling behaviour's record well under 64 KB.
        writer.WriteCompressed(section =>
        {
            section.Write7BitEncodedInt(_trackers.Count);
            foreach (var tracker in _trackers)
            {
                section.Write((byte)tracker.Id.Family);
                section.WriteNullable(tracker.Id.Key);
                section.WriteNullable(tracker.Id.Segment);
                tracker.WriteTo(section);
            }
        });

        // One length-prefixed section per sibling detector, named, so a reader can tell a record of other
        // detectors from a corrupt one and never reads one detector's bytes as another's.
        writer.Write7BitEncodedInt(_detectors.Length);
        for (int i = 0; i < _detectors.Length; i++)
        {
            writer.Write(_context.Detectors[i].Name);
            writer.WriteCompressed(_detectors[i].WriteState);
        }
    }

    /// <summary>Restores a state written by <see cref="WriteTo"/> under the same options.</summary>
    public static BehaviourState ReadFrom(BinaryReader reader, BehaviourKey key, DetectionContext context)
    {
        var state = new BehaviourState(key, context);
        state._outcomeIndex.Restore(reader.ReadStrings());
        state._windowOutcomes = reader.ReadDoubles();
        if (state._windowOutcomes.Length == 0)
        {
            state._windowOutcomes = new double[4];
        }

        state._windowEvents = reader.ReadInt64();
        state._windowStart = reader.ReadTime();
        state._windowEnd = reader.ReadTime();
        state._referenceEvents = reader.ReadInt64();
        int budget = reader.ReadInt32();
        reader.ReadCompressed(
            section =>
            {
                int trackers = section.ReadLength();
                for (int i = 0; i < trackers; i++)
                {
                    var family = (FeatureFamily)section.ReadByte();
                    string? featureKey = section.ReadNullableString();
                    string? segment = section.ReadNullableString();
                    var id = FeatureId.Create(family, featureKey, segment);
                    var tracker = state.TrackerFor(id);
                    if (tracker is null || tracker.Id != id || state._trackers.Count != i + 1 || !ReferenceEquals(tracker, state._trackers[i]))
                    {
                        throw new InvalidDataException($"Checkpointed feature {id} of {key} does not fit the current detection settings.");
                    }

                    tracker.ReadFrom(section);
                }
            },
            $"the feature trackers of {key}");

        if (budget >= 0)
        {
            state._budget = context.BudgetFor(budget);
        }

        int detectors = reader.ReadLength();
        if (detectors != state._detectors.Length)
        {
            throw new InvalidDataException($"Checkpoint of {key} holds {detectors} detector states; this monitor runs {state._detectors.Length}.");
        }

        for (int i = 0; i < detectors; i++)
        {
            string name = reader.ReadString();
            if (!string.Equals(name, context.Detectors[i].Name, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Checkpoint of {key} holds state of detector '{name}' where this monitor runs '{context.Detectors[i].Name}'.");
            }

            reader.ReadCompressed(state._detectors[i].ReadState, $"the state of detector '{name}' of {key}");
        }

        return state;
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

        state = new InputFeatureState(this, key, NewCategorical(FeatureId.InputFeature(key)));
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

        tracker = NewNumeric(FeatureId.Metric(key));
        _metrics.Add(key, tracker);
        return tracker;
    }

    private CountTracker? Family(KeyedSlots<CountTracker> family, string key, Func<string, FeatureId> name)
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

    private CountTracker NewCategorical(FeatureId id) =>
        Register(CountTracker.Categorical(id, FeatureKind.Categorical, new CategoryIndex(_options.MaxCategories)));

    private CountTracker NewConditional(FeatureId id) =>
        Register(CountTracker.Categorical(id, FeatureKind.Conditional, _outcomeIndex));

    private CountTracker NewText(FeatureId id) => Register(CountTracker.Text(id, _options.TextSketchBuckets));

    private NumericTracker NewNumeric(FeatureId id)
    {
        var tracker = Register(new NumericTracker(id, _options.CurrentWindowSize, _options.NumericReferencePoints));
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

            return _segments[slot] ??= owner.NewConditional(FeatureId.ConditionalOutcome(key, value));
        }
    }
}
