using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// What the root-segment rule needs about one behaviour's inputs, kept beside the detectors so it needs none of
/// their state: the outcome distribution of each input segment and of each pair of segments seen together
/// (giving the mixture shares w(A|B) and the moves of A∧B), in a reference (the behaviour's first
/// <see cref="ReferenceEvents"/> decisions, then frozen, like the monitor's default reference) and recently
/// (exponentially weighted, half-life <see cref="RecentHalfLife"/> decisions). Bounded: at most
/// <see cref="MaxSegments"/> segments, <see cref="MaxPairs"/> pairs and <see cref="MaxOutcomes"/> outcome values
/// (later ones are not counted): about 40 KB per behaviour with three input features of a few values each,
/// 300 KB at most.
/// </summary>
internal sealed class SegmentProfile : ISegmentMixture
{
    public const int MaxSegments = 48;
    public const int MaxPairs = 128;
    public const int MaxOutcomes = 32;
    public const int ReferenceEvents = 2000;
    public const double RecentHalfLife = 500;

    // Recent counts grow by this factor per event instead of all decaying, and are rescaled when large.
    private static readonly double Growth = Math.Pow(2, 1 / RecentHalfLife);

    // Slot by key, then value: the parser's pooled strings are matched by reference before any hashing.
    private readonly KeyedSlots<KeyedSlots<int>> _index = new();
    private readonly List<(string Key, string Value)> _segments = [];
    private readonly KeyedSlots<int> _outcomeIndex = new();
    private readonly List<string> _outcomes = [];
    private readonly Dictionary<int, int> _pairIndex = [];
    private readonly List<int> _pairKeys = [];
    private readonly List<double[]> _pairReference = [];
    private readonly List<double[]> _pairRecent = [];
    private readonly double[] _reference = new double[(MaxSegments + 1) * MaxOutcomes];
    private readonly double[] _recent = new double[(MaxSegments + 1) * MaxOutcomes];
    private double _weight = 1;
    private long _events;

    public void Observe(DecisionEvent decision)
    {
        Span<int> present = stackalloc int[Math.Min(decision.InputFeatures.Count, MaxSegments)];
        int n = 0;
        foreach (var (key, value) in decision.InputFeatures)
        {
            if (n == present.Length)
            {
                break;
            }

            int slot = SlotOf(key, value, add: true);
            if (slot >= 0)
            {
                present[n++] = slot;
            }
        }

        int outcome = OutcomeOf(decision.Outcome, add: true);
        bool reference = _events < ReferenceEvents;
        _events++;
        _weight *= Growth;
        if (_weight > 1e100)
        {
            Rescale();
        }

        if (outcome < 0)
        {
            return;
        }

        Count(0, outcome, reference); // row 0: the whole behaviour
        for (int i = 0; i < n; i++)
        {
            Count(present[i] + 1, outcome, reference);
            for (int j = i + 1; j < n; j++)
            {
                int pair = PairOf(present[i], present[j], add: true);
                if (pair >= 0)
                {
                    if (reference)
                    {
                        _pairReference[pair][outcome]++;
                    }

                    _pairRecent[pair][outcome] += _weight;
                }
            }
        }
    }

    /// <inheritdoc />
    public double ShareOfAInB(FeatureId a, FeatureId b)
    {
        int rowA = RowOf(a);
        int rowB = RowOf(b);
        if (rowA <= 0 || rowB < 0)
        {
            return 0;
        }

        double inB = Sum(_recent.AsSpan(rowB * MaxOutcomes, MaxOutcomes));
        if (rowB == 0)
        {
            return inB <= 0 ? 0 : Sum(_recent.AsSpan(rowA * MaxOutcomes, MaxOutcomes)) / inB;
        }

        int pair = PairOf(rowA - 1, rowB - 1, add: false);
        return pair < 0 || inB <= 0 ? 0 : Sum(_pairRecent[pair]) / inB;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double>? MoveOfAWithinB(FeatureId a, FeatureId b)
    {
        int rowA = RowOf(a);
        int rowB = RowOf(b);
        if (rowA <= 0 || rowB < 0)
        {
            return null;
        }

        if (rowB == 0)
        {
            return MoveOf(a)?.Delta;
        }

        int pair = PairOf(rowA - 1, rowB - 1, add: false);
        return pair < 0 ? null : Delta(_pairReference[pair], _pairRecent[pair]);
    }

    /// <summary>
    /// The move of a segment's (or the whole behaviour's) outcome distribution, recent minus reference share per
    /// outcome; null when either side has no decisions of it.
    /// </summary>
    public SegmentMove? MoveOf(FeatureId feature)
    {
        int row = RowOf(feature);
        return row < 0 || Delta(_reference.AsSpan(row * MaxOutcomes, MaxOutcomes), _recent.AsSpan(row * MaxOutcomes, MaxOutcomes)) is not { } delta
            ? null
            : new SegmentMove(feature, delta);
    }

    /// <summary>Row of a feature's outcome counts: 0 for the whole behaviour, segment slot + 1, or -1 when not counted.</summary>
    private int RowOf(FeatureId feature) => feature.Family switch
    {
        FeatureFamily.Outcome => 0,
        FeatureFamily.ConditionalOutcome => SlotOf(feature.Key!, feature.Segment!, add: false) is >= 0 and var slot ? slot + 1 : -1,
        _ => -1,
    };

    private Dictionary<string, double>? Delta(ReadOnlySpan<double> reference, ReadOnlySpan<double> recent)
    {
        double referenceTotal = Sum(reference);
        double recentTotal = Sum(recent);
        if (referenceTotal <= 0 || recentTotal <= 0)
        {
            return null;
        }

        var delta = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int i = 0; i < _outcomes.Count; i++)
        {
            double d = (recent[i] / recentTotal) - (reference[i] / referenceTotal);
            if (d != 0)
            {
                delta[_outcomes[i]] = d;
            }
        }

        return delta;
    }

    private int PairOf(int slotA, int slotB, bool add)
    {
        int key = (Math.Min(slotA, slotB) * MaxSegments) + Math.Max(slotA, slotB);
        if (_pairIndex.TryGetValue(key, out int pair))
        {
            return pair;
        }

        if (!add || _pairKeys.Count >= MaxPairs)
        {
            return -1;
        }

        pair = _pairKeys.Count;
        _pairKeys.Add(key);
        _pairIndex.Add(key, pair);
        _pairReference.Add(new double[MaxOutcomes]);
        _pairRecent.Add(new double[MaxOutcomes]);
        return pair;
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_segments.Count);
        foreach (var (key, value) in _segments)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Write(_outcomes.Count);
        foreach (string outcome in _outcomes)
        {
            writer.Write(outcome);
        }

        Rescale();
        writer.Write(_events);
        writer.Write(_pairKeys.Count);
        for (int p = 0; p < _pairKeys.Count; p++)
        {
            writer.Write(_pairKeys[p]);
            for (int o = 0; o < _outcomes.Count; o++)
            {
                writer.Write(_pairReference[p][o]);
                writer.Write(_pairRecent[p][o]);
            }
        }

        for (int row = 0; row <= _segments.Count; row++)
        {
            for (int o = 0; o < _outcomes.Count; o++)
            {
                writer.Write(_reference[(row * MaxOutcomes) + o]);
                writer.Write(_recent[(row * MaxOutcomes) + o]);
            }
        }
    }

    public static SegmentProfile ReadState(BinaryReader reader)
    {
        var profile = new SegmentProfile();
        int segments = ReadCount(reader, MaxSegments, "segment");
        for (int i = 0; i < segments; i++)
        {
            profile.SlotOf(reader.ReadString(), reader.ReadString(), add: true);
        }

        int outcomes = ReadCount(reader, MaxOutcomes, "outcome");
        for (int i = 0; i < outcomes; i++)
        {
            profile.OutcomeOf(reader.ReadString(), add: true);
        }

        profile._events = reader.ReadInt64();
        int pairs = ReadCount(reader, MaxPairs, "pair");
        for (int p = 0; p < pairs; p++)
        {
            int key = reader.ReadInt32();
            int pair = profile.PairOf(key / MaxSegments, key % MaxSegments, add: true);
            for (int o = 0; o < outcomes; o++)
            {
                profile._pairReference[pair][o] = reader.ReadDouble();
                profile._pairRecent[pair][o] = reader.ReadDouble();
            }
        }

        for (int row = 0; row <= segments; row++)
        {
            for (int o = 0; o < outcomes; o++)
            {
                profile._reference[(row * MaxOutcomes) + o] = reader.ReadDouble();
                profile._recent[(row * MaxOutcomes) + o] = reader.ReadDouble();
            }
        }

        return profile;
    }

    private static int ReadCount(BinaryReader reader, int max, string what)
    {
        int count = reader.ReadInt32();
        return count >= 0 && count <= max ? count : throw new InvalidDataException($"Incident state: {what} count {count} is outside [0, {max}].");
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum;
    }

    private void Count(int row, int outcome, bool reference)
    {
        if (reference)
        {
            _reference[(row * MaxOutcomes) + outcome]++;
        }

        _recent[(row * MaxOutcomes) + outcome] += _weight;
    }

    /// <summary>Divides the recent weights by the current growth weight, so the next event weighs 1 again.</summary>
    private void Rescale()
    {
        double scale = 1 / _weight;
        _weight = 1;
        foreach (double[] pair in _pairRecent)
        {
            for (int i = 0; i < pair.Length; i++)
            {
                pair[i] *= scale;
            }
        }

        for (int i = 0; i < _recent.Length; i++)
        {
            _recent[i] *= scale;
        }
    }

    private int SlotOf(string key, string value, bool add)
    {
        if (_index.TryGetValue(key, out var values) && values.TryGetValue(value, out int slot))
        {
            return slot;
        }

        if (!add || _segments.Count >= MaxSegments)
        {
            return -1;
        }

        if (values is null)
        {
            values = new();
            _index.Add(key, values);
        }

        slot = _segments.Count;
        _segments.Add((key, value));
        values.Add(value, slot);
        return slot;
    }

    private int OutcomeOf(string outcome, bool add)
    {
        if (_outcomeIndex.TryGetValue(outcome, out int index))
        {
            return index;
        }

        if (!add || _outcomes.Count >= MaxOutcomes)
        {
            return -1;
        }

        index = _outcomes.Count;
        _outcomes.Add(outcome);
        _outcomeIndex.Add(outcome, index);
        return index;
    }
}
