using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// Counts of input segments and of pairs of segments seen together in one behaviour's decisions, for the
/// mixture shares w(A|B) of <see cref="RootSegmentAnalyzer"/>. Bounded: at most <see cref="MaxSegments"/>
/// segments (later ones are not counted), and all counts halve whenever the total reaches
/// <see cref="HalveAt"/>, so the shares follow the recent input mix and the numbers stay small.
/// </summary>
internal sealed class SegmentShares
{
    public const int MaxSegments = 48;
    public const double HalveAt = 8192;

    private readonly Dictionary<(string Key, string Value), int> _index = [];
    private readonly List<(string Key, string Value)> _segments = [];
    private readonly double[] _single = new double[MaxSegments];
    private readonly double[] _pairs = new double[MaxSegments * MaxSegments];
    private double _total;

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

        _total++;
        for (int i = 0; i < n; i++)
        {
            _single[present[i]]++;
            for (int j = 0; j < n; j++)
            {
                if (i != j)
                {
                    _pairs[(present[i] * MaxSegments) + present[j]]++;
                }
            }
        }

        if (_total >= HalveAt)
        {
            Halve();
        }
    }

    /// <summary>w(A|B): the share of B's decisions that are also in A; B may be the overall outcome (share of A).</summary>
    public double ShareOfAInB(FeatureId a, FeatureId b)
    {
        if (a.Family != FeatureFamily.ConditionalOutcome || _total <= 0)
        {
            return 0;
        }

        int slotA = SlotOf(a.Key!, a.Segment!, add: false);
        if (slotA < 0)
        {
            return 0;
        }

        if (b.Family != FeatureFamily.ConditionalOutcome)
        {
            return _single[slotA] / _total;
        }

        int slotB = SlotOf(b.Key!, b.Segment!, add: false);
        return slotB < 0 || _single[slotB] <= 0 ? 0 : _pairs[(slotA * MaxSegments) + slotB] / _single[slotB];
    }

    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_segments.Count);
        foreach (var (key, value) in _segments)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Write(_total);
        for (int i = 0; i < _segments.Count; i++)
        {
            writer.Write(_single[i]);
            for (int j = 0; j < _segments.Count; j++)
            {
                writer.Write(_pairs[(i * MaxSegments) + j]);
            }
        }
    }

    public static SegmentShares ReadState(BinaryReader reader)
    {
        var shares = new SegmentShares();
        int count = reader.ReadInt32();
        if (count is < 0 or > MaxSegments)
        {
            throw new InvalidDataException($"Segment count {count} is outside [0, {MaxSegments}].");
        }

        for (int i = 0; i < count; i++)
        {
            var segment = (reader.ReadString(), reader.ReadString());
            shares._index[segment] = i;
            shares._segments.Add(segment);
        }

        shares._total = reader.ReadDouble();
        for (int i = 0; i < count; i++)
        {
            shares._single[i] = reader.ReadDouble();
            for (int j = 0; j < count; j++)
            {
                shares._pairs[(i * MaxSegments) + j] = reader.ReadDouble();
            }
        }

        return shares;
    }

    private int SlotOf(string key, string value, bool add)
    {
        if (_index.TryGetValue((key, value), out int slot))
        {
            return slot;
        }

        if (!add || _segments.Count >= MaxSegments)
        {
            return -1;
        }

        slot = _segments.Count;
        _segments.Add((key, value));
        _index.Add((key, value), slot);
        return slot;
    }

    private void Halve()
    {
        _total /= 2;
        for (int i = 0; i < _single.Length; i++)
        {
            _single[i] /= 2;
        }

        for (int i = 0; i < _pairs.Length; i++)
        {
            _pairs[i] /= 2;
        }
    }
}
